//! The candidate sequences of each basis, and the choice of the best one.
//!
//! One function per basis, as in the Python code: each reads its angles from the
//! quaternion and offers a few exact sequences to [`Best`], in the Python order (the
//! first of equally ranked sequences wins).

use std::f64::consts::PI;

use crate::pymath::{hypot, remainder};
use crate::{zyz_angles, Basis, Natives, Quaternion, Sequence, ANGLE_TOL};

const HALF_PI: f64 = PI / 2.0;
const TWO_PI: f64 = 2.0 * PI;

/// A rotation axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Axis {
    X,
    Y,
    Z,
}

/// The best sequence offered so far: fewest gates, then fewest non-virtual gates.
pub(crate) struct Best {
    seq: Option<Sequence>,
    rank: (usize, usize),
}

impl Best {
    pub(crate) fn new() -> Self {
        Best {
            seq: None,
            rank: (99, 99),
        }
    }

    pub(crate) fn offer(&mut self, seq: Sequence) {
        let rank = seq.rank();
        if rank < self.rank {
            self.seq = Some(seq);
            self.rank = rank;
        }
    }

    pub(crate) fn into_sequence(self) -> Sequence {
        self.seq.expect("every basis offers at least one sequence")
    }
}

// -- angles --------------------------------------------------------------------------------

/// `angle` in (-pi, pi].
fn wrap(angle: f64) -> f64 {
    let wrapped = remainder(angle, TWO_PI);
    if wrapped <= -PI + ANGLE_TOL {
        PI
    } else {
        wrapped
    }
}

pub(crate) fn vanishes(angle: f64) -> bool {
    remainder(angle, TWO_PI).abs() < ANGLE_TOL
}

fn near(value: f64, target: f64) -> bool {
    (value - target).abs() < ANGLE_TOL
}

/// True when `q` rotates by less than the tolerance. (Python squares with `** 2`, the C
/// library's `pow`; `x * x` is the correctly rounded square, which `pow` returns but for
/// rare last-bit cases, and only a comparison with the tolerance reads the result.)
pub(crate) fn is_identity(q: Quaternion) -> bool {
    2.0 * (q[1] * q[1] + q[2] * q[2] + q[3] * q[3])
        .sqrt()
        .atan2(q[0].abs())
        < ANGLE_TOL
}

/// Appends `name(angle)` with the angle in (-pi, pi], or nothing when it vanishes.
fn push_rot(seq: &mut Sequence, name: &'static str, angle: f64) {
    let wrapped = remainder(angle, TWO_PI);
    if -ANGLE_TOL < wrapped && wrapped < ANGLE_TOL {
        return;
    }
    seq.push(
        name,
        &[if wrapped <= -PI + ANGLE_TOL {
            PI
        } else {
            wrapped
        }],
    );
}

/// `[name(angle)]`, or no gate when the angle vanishes.
pub(crate) fn rot(name: &'static str, angle: f64) -> Sequence {
    let mut seq = Sequence::EMPTY;
    push_rot(&mut seq, name, angle);
    seq
}

/// A sequence built by `build`.
fn seq(build: impl FnOnce(&mut Sequence)) -> Sequence {
    let mut s = Sequence::EMPTY;
    build(&mut s);
    s
}

/// Indices into `(w, x, y, z)` and a sign that put `outer` on Z and `middle` on Y.
///
/// The new X, Y, Z are the old `third`, `middle`, `outer` axes; an odd permutation needs
/// one sign flip to stay a rotation.
fn relabelling(outer: Axis, middle: Axis) -> (usize, usize, usize, f64) {
    let index = |a: Axis| a as usize;
    let third = [Axis::X, Axis::Y, Axis::Z]
        .into_iter()
        .find(|&a| a != outer && a != middle)
        .expect("two distinct axes leave a third");
    let perm = [index(third), index(middle), index(outer)];
    let inversions = (0..3)
        .flat_map(|i| (i + 1..3).map(move |j| (i, j)))
        .filter(|&(i, j)| perm[i] > perm[j])
        .count();
    let sign = if inversions % 2 == 1 { -1.0 } else { 1.0 };
    (perm[0] + 1, perm[1] + 1, perm[2] + 1, sign)
}

/// `(theta, phi, lam)` with `q ~ Rz(phi) Rx(theta) Rz(lam)`.
fn zxz(q: Quaternion) -> (f64, f64, f64) {
    zyz_angles([q[0], -q[2], q[1], q[3]])
}

/// `(a, b, c)` with `q ~ Rz(a) SX Rz(b) SX Rz(c)` (matrix order).
fn zsx_angles(q: Quaternion) -> (f64, f64, f64) {
    let (theta, phi, lam) = zxz(q);
    (phi - HALF_PI, PI - theta, lam + 3.0 * HALF_PI)
}

/// `(theta, phi)` when `q` is one rotation about an axis in the XY plane.
fn single_pulse(q: Quaternion) -> Option<(f64, f64)> {
    let [w, x, y, z] = q;
    if z.abs() > ANGLE_TOL / 2.0 {
        return None;
    }
    Some((2.0 * hypot(x, y).atan2(w), y.atan2(x)))
}

/// `(t, p1, p2)` with `q = R(t, p2) R(t, p1)`, `R` a rotation about an XY axis.
///
/// Multiplying the two pulses gives scalar `cos^2 - sin^2 cos(d)`, Z part `-sin^2 sin(d)`
/// (half-angle `cos`/`sin` of `t`, `d = p2 - p1`) and an XY part along the mean phase.
/// Solving: `tan(d/2) = -z / (1 - w)` and `sin^2(t/2) = ((1-w)^2 + z^2) / (2 (1 - w))`,
/// at most 1 because `z^2 <= 1 - w^2`: two pulses always suffice.
fn equal_pulses(q: Quaternion) -> (f64, f64, f64) {
    let [w, x, y, z] = q;
    let one_minus_w = (x * x + y * y + z * z) / (1.0 + w); // 1 - w without cancellation
    let t = 2.0 * hypot(one_minus_w, z).atan2(hypot(x, y));
    let half_d = (-z).atan2(one_minus_w);
    let mean = if hypot(x, y) > ANGLE_TOL {
        y.atan2(x)
    } else {
        0.0
    };
    (t, mean - half_d, mean + half_d)
}

/// The quaternion of `U X` (X as the unit quaternion `(0, 1, 0, 0)`).
fn times_x(q: Quaternion) -> Quaternion {
    let [w, x, y, z] = q;
    [-x, w, z, -y]
}

// -- candidates, one function per basis -------------------------------------------------------

/// Offers `basis`'s sequences for `q` to `best`.
pub(crate) fn candidates(basis: Basis, q: Quaternion, nat: &Natives, best: &mut Best) {
    match basis {
        Basis::Zsx => zsx(q, nat, best),
        Basis::U => u(q, nat, best),
        Basis::Prx => prx(q, nat, best),
        Basis::Gpi => gpi(q, nat, best),
        pair => {
            let (outer, middle) = pair.axes().expect("a rotation pair");
            axis_pair(outer, middle, q, nat, best)
        }
    }
}

/// Euler angles about `outer`, `middle`, `outer`: at most three rotations.
fn axis_pair(outer: Axis, middle: Axis, q: Quaternion, nat: &Natives, best: &mut Best) {
    let (i, j, k, sign) = relabelling(outer, middle);
    let a = nat.rotation(outer).expect("an offered basis");
    let b = nat.rotation(middle).expect("an offered basis");
    let (theta, phi, lam) = zyz_angles([q[0], sign * q[i], q[j], q[k]]);
    if vanishes(theta) {
        best.offer(rot(a, phi + lam));
        return;
    }
    // R_A(phi) R_B(theta) R_A(lam) = R_A(phi + pi) R_B(-theta) R_A(lam + pi), up to phase.
    best.offer(seq(|s| {
        push_rot(s, a, lam);
        push_rot(s, b, theta);
        push_rot(s, a, phi);
    }));
    best.offer(seq(|s| {
        push_rot(s, a, lam + PI);
        push_rot(s, b, -theta);
        push_rot(s, a, phi + PI);
    }));
    if near(theta, PI) {
        // R_A(phi) R_B(pi) R_A(lam) = R_B(pi) R_A(lam - phi)
        best.offer(seq(|s| {
            push_rot(s, a, lam - phi);
            s.push(b, &[PI]);
        }));
    }
}

/// Z rotations around `sx` (and `x`/`sxdg` when native): at most five gates.
fn zsx(q: Quaternion, nat: &Natives, best: &mut Best) {
    let z = nat.z.expect("an offered basis");
    let (theta, phi, lam) = zxz(q);
    if vanishes(theta) {
        best.offer(rot(z, phi + lam));
        return;
    }
    if near(theta, HALF_PI) {
        best.offer(seq(|s| {
            push_rot(s, z, lam);
            s.push("sx", &[]);
            push_rot(s, z, phi);
        }));
        // Rx(pi/2) = Rz(pi) Rx(-pi/2) Rz(-pi) and Rx(-pi/2) = X SX, up to phase.
        if nat.sxdg {
            best.offer(seq(|s| {
                push_rot(s, z, lam - PI);
                s.push("sxdg", &[]);
                push_rot(s, z, phi + PI);
            }));
        }
        if nat.x {
            best.offer(seq(|s| {
                push_rot(s, z, lam - PI);
                s.push("sx", &[]);
                s.push("x", &[]);
                push_rot(s, z, phi + PI);
            }));
        }
    }
    if near(theta, PI) {
        // Rz(phi) X Rz(lam) = X Rz(lam - phi)
        best.offer(seq(|s| {
            push_rot(s, z, lam - phi);
            if nat.x {
                s.push("x", &[]);
            } else {
                s.push("sx", &[]);
                s.push("sx", &[]);
            }
        }));
    }
    // Rx(theta) = Rz(-pi/2) SX Rz(pi - theta) SX Rz(3pi/2), and its mirror with -theta.
    best.offer(seq(|s| {
        push_rot(s, z, lam + 3.0 * HALF_PI);
        s.push("sx", &[]);
        push_rot(s, z, PI - theta);
        s.push("sx", &[]);
        push_rot(s, z, phi - HALF_PI);
    }));
    best.offer(seq(|s| {
        push_rot(s, z, lam + HALF_PI);
        s.push("sx", &[]);
        push_rot(s, z, PI + theta);
        s.push("sx", &[]);
        push_rot(s, z, phi + HALF_PI);
    }));
}

/// One `u` gate (none for the identity).
fn u(q: Quaternion, nat: &Natives, best: &mut Best) {
    let u = nat.u.expect("an offered basis");
    let (theta, phi, lam) = zyz_angles(q);
    if vanishes(theta) && vanishes(phi + lam) {
        best.offer(Sequence::EMPTY);
        return;
    }
    best.offer(seq(|s| s.push(u, &[theta, wrap(phi), wrap(lam)])));
}

/// One pulse when the axis lies in the XY plane, else two (or one and a Z rotation).
fn prx(q: Quaternion, nat: &Natives, best: &mut Best) {
    if is_identity(q) {
        best.offer(Sequence::EMPTY);
        return;
    }
    if let Some((theta, phi)) = single_pulse(q) {
        best.offer(seq(|s| s.push("prx", &[theta, wrap(phi)])));
        return;
    }
    let (t, p1, p2) = equal_pulses(q);
    best.offer(seq(|s| {
        s.push("prx", &[t, wrap(p1)]);
        s.push("prx", &[t, wrap(p2)]);
    }));
    if let Some(z) = nat.z {
        // Rz(phi) Rx(theta) Rz(lam) = prx(theta, phi) Rz(phi + lam)
        let (theta, phi, lam) = zxz(q);
        best.offer(seq(|s| {
            push_rot(s, z, phi + lam);
            if !vanishes(theta) {
                s.push("prx", &[theta, wrap(phi)]);
            }
        }));
    }
}

/// Half-turn (`gpi`) and quarter-turn (`gpi2`) pulses: at most three.
///
/// `gpi(p) ~ prx(pi, p)` and `gpi2(p) = prx(pi/2, p)`. Two `gpi` make a Z rotation,
/// `gpi2 gpi` reaches rotations whose XY part has weight 1/2, and in general
/// `U = gpi2(a) gpi(b) gpi2(c)` (matrix order): with `prx(pi, b) = Rz(2b) X` and
/// `prx(pi/2, p) = Rz(p) SX Rz(-p)`, `U X = Rz(a) SX Rz(2b - a - c) SX Rz(c)`, so the
/// `rz`/`sx` angles of `U X` give `a`, `b`, `c`.
fn gpi(q: Quaternion, nat: &Natives, best: &mut Best) {
    if is_identity(q) {
        best.offer(Sequence::EMPTY);
        return;
    }
    if let Some((theta, phi)) = single_pulse(q) {
        if near(theta, HALF_PI) {
            best.offer(seq(|s| s.push("gpi2", &[wrap(phi)])));
        }
        if near(theta, PI) && nat.gpi {
            best.offer(seq(|s| s.push("gpi", &[wrap(phi)])));
        }
    }
    let [w, x, y, z] = q;
    if nat.gpi && hypot(x, y) < ANGLE_TOL / 2.0 {
        // gpi(g/2) gpi(0) = Rz(g)
        best.offer(seq(|s| {
            s.push("gpi", &[0.0]);
            s.push("gpi", &[wrap(z.atan2(w))]);
        }));
    }
    let (t, p1, p2) = equal_pulses(q);
    if near(t, HALF_PI) {
        best.offer(seq(|s| {
            s.push("gpi2", &[wrap(p1)]);
            s.push("gpi2", &[wrap(p2)]);
        }));
    }
    let xy_angle = 2.0 * hypot(x, y).atan2(hypot(w, z));
    if nat.gpi && near(xy_angle, HALF_PI) {
        // gpi2(p) gpi(r) has XY part (cos r, sin r)/sqrt2 and (cos(p - r), sin(p - r)) ~ (-w, -z).
        let r = y.atan2(x);
        let p = r + (-z).atan2(-w);
        best.offer(seq(|s| {
            s.push("gpi", &[wrap(r)]);
            s.push("gpi2", &[wrap(p)]);
        }));
    }
    if let Some(rz) = nat.z {
        let (theta, phi, lam) = zxz(q);
        for (turn, name) in [(HALF_PI, "gpi2"), (PI, "gpi")] {
            if near(theta, turn) && (name == "gpi2" || nat.gpi) {
                best.offer(seq(|s| {
                    push_rot(s, rz, phi + lam);
                    s.push(name, &[wrap(phi)]);
                }));
            }
        }
        // Rz(a) SX Rz(b) SX Rz(c) = gpi2(a) gpi2(a + b) Rz(a + b + c)
        let (a, b, c) = zsx_angles(q);
        best.offer(seq(|s| {
            push_rot(s, rz, a + b + c);
            s.push("gpi2", &[wrap(a + b)]);
            s.push("gpi2", &[wrap(a)]);
        }));
    }
    if nat.gpi {
        let (a, b, c) = zsx_angles(times_x(q));
        best.offer(seq(|s| {
            s.push("gpi2", &[wrap(c)]);
            s.push("gpi", &[wrap((a + b + c) / 2.0)]);
            s.push("gpi2", &[wrap(a)]);
        }));
    }
}
