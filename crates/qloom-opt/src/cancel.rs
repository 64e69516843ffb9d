//! Commutation-aware cancellation (`optimizers:cancel`): inverse pairs vanish and
//! rotations about the same axis merge, across the gates they commute with.
//!
//! For each gate, the earlier gates on its qubits are walked back (most recent first)
//! while they commute with it; the first one on the same qubits that is its inverse
//! cancels with it, and a rotation of the same family absorbs it (`rz(a) rz(b) = rz(a +
//! b)`, the merged gate in the earlier one's place). Nothing moves across a gate it does
//! not commute with or an opaque operation.

use crate::commute::Commuter;
use crate::kinds::{KindTable, Op};

/// A merged rotation whose angle is this close to a multiple of its period cancels.
pub const ZERO_ANGLE: f64 = 1e-12;

enum Combined {
    No,
    Cancel,
    Merge(u32),
}

/// `ops` after cancellation, looking at most `lookback` gates back on each qubit.
pub fn cancel(
    ops: Vec<Op>,
    kinds: &mut KindTable,
    commuter: &mut Commuter,
    lookback: usize,
) -> Vec<Op> {
    let wires = ops
        .iter()
        .flat_map(|op| op.qubits.iter())
        .max()
        .map_or(0, |&q| q as usize + 1);
    let mut kept: Vec<Option<Op>> = Vec::with_capacity(ops.len());
    let mut on_qubit: Vec<Vec<usize>> = vec![Vec::new(); wires];
    for op in ops {
        if !op.opaque {
            if let Some((index, combined)) =
                find_partner(&kept, &on_qubit, &op, kinds, commuter, lookback)
            {
                match combined {
                    Combined::Cancel => kept[index] = None,
                    Combined::Merge(kind) => {
                        let earlier = kept[index].as_mut().expect("a kept partner");
                        earlier.kind = kind;
                        earlier.origin = None;
                    }
                    Combined::No => unreachable!("find_partner returns partners only"),
                }
                continue;
            }
        }
        for &q in &op.qubits {
            on_qubit[q as usize].push(kept.len());
        }
        kept.push(Some(op));
    }
    kept.into_iter().flatten().collect()
}

fn find_partner(
    kept: &[Option<Op>],
    on_qubit: &[Vec<usize>],
    op: &Op,
    kinds: &mut KindTable,
    commuter: &mut Commuter,
    lookback: usize,
) -> Option<(usize, Combined)> {
    let candidates = if op.qubits.len() == 1 {
        let stack = &on_qubit[op.qubits[0] as usize];
        stack
            .iter()
            .rev()
            .take(lookback)
            .copied()
            .filter(|&i| kept[i].is_some())
            .collect()
    } else {
        recent(kept, on_qubit, &op.qubits, lookback)
    };
    for index in candidates {
        let earlier = kept[index].as_ref().expect("candidates are kept");
        if earlier.opaque {
            return None;
        }
        match combine(kinds, earlier, op) {
            Combined::No => {}
            combined => return Some((index, combined)),
        }
        if !commuter.commute(kinds, earlier, op) {
            return None;
        }
    }
    None
}

/// Earlier operations on `qubits`, most recent first, each once; the walk on each qubit
/// stops after `lookback` kept operations, and nothing below the highest such stop is
/// reachable (some qubit's history there was not looked at).
fn recent(
    kept: &[Option<Op>],
    on_qubit: &[Vec<usize>],
    qubits: &[u32],
    lookback: usize,
) -> Vec<usize> {
    let mut seen: Vec<usize> = Vec::new();
    let mut floor: Option<usize> = None;
    for &q in qubits {
        let mut taken = 0;
        for &index in on_qubit[q as usize].iter().rev() {
            if kept[index].is_none() {
                continue;
            }
            seen.push(index);
            taken += 1;
            if taken >= lookback {
                floor = Some(floor.map_or(index, |f| f.max(index)));
                break;
            }
        }
    }
    seen.sort_unstable_by(|a, b| b.cmp(a));
    seen.dedup();
    if let Some(f) = floor {
        seen.retain(|&i| i >= f);
    }
    seen
}

fn same_qubits(kinds: &KindTable, earlier: &Op, later: &Op) -> bool {
    if earlier.qubits == later.qubits {
        return true;
    }
    kinds.get(earlier.kind).symmetric
        && earlier.qubits.len() == 2
        && later.qubits.len() == 2
        && earlier.qubits[0] == later.qubits[1]
        && earlier.qubits[1] == later.qubits[0]
}

fn combine(kinds: &mut KindTable, earlier: &Op, later: &Op) -> Combined {
    if !same_qubits(kinds, earlier, later) {
        return Combined::No;
    }
    let (ke, kl) = (kinds.get(earlier.kind), kinds.get(later.kind));
    if ke.name == kl.name {
        if ke.self_inverse {
            return Combined::Cancel;
        }
        if let (Some(re), Some(rl)) = (ke.rotation, kl.rotation) {
            let angle = re.angle + rl.angle;
            if remainder(angle, re.period).abs() < ZERO_ANGLE {
                return Combined::Cancel;
            }
            return Combined::Merge(kinds.rotated(earlier.kind, angle));
        }
        return Combined::No;
    }
    if ke.inverse == Some(kl.name) {
        return Combined::Cancel;
    }
    Combined::No
}

/// IEEE 754 remainder (as Python's `math.remainder`): `x - n y` with `n` the integer
/// nearest `x / y`, ties to even.
fn remainder(x: f64, y: f64) -> f64 {
    x - (x / y).round_ties_even() * y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remainder_is_centred() {
        let tau = std::f64::consts::TAU;
        assert!(remainder(tau, tau).abs() < 1e-15);
        assert!((remainder(0.75 * tau, tau) + 0.25 * tau).abs() < 1e-15);
        assert_eq!(remainder(0.5, tau), 0.5);
    }
}
