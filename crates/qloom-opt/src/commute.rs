//! Whether two gates commute: the rules of `qloom_optimizers.matrices.commute` first, then
//! their matrices on the union of their qubits (at most four), memoised.

use std::collections::HashMap;

use crate::kinds::{KindTable, Op};

/// Widest union of qubits checked by matrices; wider pairs are taken not to commute.
pub const MAX_WIDTH: usize = 4;
/// Tolerance of the matrix check (each entry of `AB - BA`).
pub const ATOL: f64 = 1e-10;

type Key = (u32, Vec<u8>, u32, Vec<u8>);

/// Commutation checks with a memo of the matrix checks (by kinds and relative qubits).
#[derive(Debug, Default)]
pub struct Commuter {
    memo: HashMap<Key, bool>,
}

impl Commuter {
    pub fn new() -> Commuter {
        Commuter::default()
    }

    /// Whether `first` and `second` (two gates, not opaque) commute.
    pub fn commute(&mut self, kinds: &KindTable, first: &Op, second: &Op) -> bool {
        if !first.qubits.iter().any(|q| second.qubits.contains(q)) {
            return true;
        }
        let (ka, kb) = (kinds.get(first.kind), kinds.get(second.kind));
        if ka.diagonal && kb.diagonal {
            return true;
        }
        if let Some(decided) = by_rule(kinds, first, second) {
            return decided;
        }
        let mut support: Vec<u32> = first.qubits.iter().chain(&second.qubits).copied().collect();
        support.sort_unstable();
        support.dedup();
        if support.len() > MAX_WIDTH {
            return false;
        }
        let local = |op: &Op| -> Vec<u8> {
            op.qubits
                .iter()
                .map(|q| support.binary_search(q).expect("in support") as u8)
                .collect()
        };
        let key = (first.kind, local(first), second.kind, local(second));
        if let Some(&known) = self.memo.get(&key) {
            return known;
        }
        let width = support.len();
        let answer = match (&ka.matrix, &kb.matrix) {
            (Some(ma), Some(mb)) => {
                let qa: Vec<usize> = key.1.iter().map(|&q| q as usize).collect();
                let qb: Vec<usize> = key.3.iter().map(|&q| q as usize).collect();
                let a = ma.embed(&qa, width);
                let b = mb.embed(&qb, width);
                a.matmul(&b).close_to(&b.matmul(&a), ATOL)
            }
            _ => false,
        };
        self.memo.insert(key, answer);
        answer
    }
}

/// The CX rules: a CX commutes with a diagonal gate on its control, an X-like gate on its
/// target, and a CX it shares only controls or only targets with. `None`: undecided.
fn by_rule(kinds: &KindTable, first: &Op, second: &Op) -> Option<bool> {
    for (a, b) in [(first, second), (second, first)] {
        if !kinds.get(a.kind).cx {
            continue;
        }
        let (control, target) = (a.qubits[0], a.qubits[1]);
        let kb = kinds.get(b.kind);
        if b.qubits.len() == 1 {
            let decided = if b.qubits[0] == control {
                kb.diagonal
            } else {
                kb.x_like
            };
            return decided.then_some(true);
        }
        if kb.cx {
            let (c2, t2) = (b.qubits[0], b.qubits[1]);
            return Some(control != t2 && target != c2);
        }
    }
    None
}
