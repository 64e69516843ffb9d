//! Moving Weyl coordinates into the canonical chamber `pi/4 >= a >= b >= |c|`, and what each
//! move costs in local gates.

use std::f64::consts::{FRAC_PI_2, FRAC_PI_4};

use crate::matrices::{exchange_axes, identity2, pauli, Mat2, C64, I, ONE};

/// A symmetry of the chamber: it keeps the unitary and changes the coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Move {
    /// Coordinate `i += n pi/2`, paid with `(P_i x P_i)^n` before and `(-i)^n` phase.
    Shift(usize, i64),
    /// Negate the two coordinates other than `k`, with `P_k` on qubit 0 on both sides.
    Flip(usize),
    /// Exchange coordinates `i` and `j`, with `C x C` on both sides.
    Swap(usize, usize),
}

const CHAMBER_TOL: f64 = 1e-10;

/// Move `coords` (in place) into the canonical chamber; the moves, in order.
pub(crate) fn to_chamber(coords: &mut [f64; 3]) -> Vec<Move> {
    let mut moves = Vec::new();
    for (i, v) in coords.iter_mut().enumerate() {
        // Python's round(): ties to even.
        let turns = (*v / FRAC_PI_2).round_ties_even();
        if turns != 0.0 {
            *v -= turns * FRAC_PI_2;
            moves.push(Move::Shift(i, -(turns as i64)));
        }
    }
    for (i, j) in [(0, 1), (1, 2), (0, 1)] {
        if coords[i].abs() < coords[j].abs() {
            coords.swap(i, j);
            moves.push(Move::Swap(i, j));
        }
    }
    if coords[0] < 0.0 {
        coords[0] = -coords[0];
        coords[2] = -coords[2];
        moves.push(Move::Flip(1));
    }
    if coords[1] < 0.0 {
        coords[1] = -coords[1];
        coords[2] = -coords[2];
        moves.push(Move::Flip(0));
    }
    if coords[2] < 0.0 && (coords[0] - FRAC_PI_4).abs() < CHAMBER_TOL {
        // (pi/4, b, c) ~ (-pi/4, b, -c) ~ (pi/4, b, -c)
        coords[0] = -coords[0] + FRAC_PI_2;
        coords[2] = -coords[2];
        moves.push(Move::Flip(1));
        moves.push(Move::Shift(0, 1));
    }
    moves
}

/// What the chamber moves do to a KAK: `(phase factor, [R0, R1], [L0, L1])`.
///
/// Afterwards `k1[q] -> k1[q] R[q]` and `k2[q] -> L[q] k2[q]`.
pub(crate) fn move_locals(moves: &[Move]) -> (C64, [Mat2; 2], [Mat2; 2]) {
    let mut factor = ONE;
    let mut right = [identity2(), identity2()];
    let mut left = [identity2(), identity2()];
    for &step in moves {
        match step {
            Move::Shift(i, n) => {
                factor *= (-I).powi(n.rem_euclid(4) as i32);
                if n.rem_euclid(2) == 1 {
                    let p = pauli(i);
                    left = [p * left[0], p * left[1]];
                }
            }
            Move::Flip(k) => {
                let p = pauli(k);
                right[0] *= p;
                left[0] = p * left[0];
            }
            Move::Swap(i, j) => {
                let c = exchange_axes(i, j);
                let cd = c.adjoint();
                right = [right[0] * cd, right[1] * cd];
                left = [c * left[0], c * left[1]];
            }
        }
    }
    (factor, right, left)
}
