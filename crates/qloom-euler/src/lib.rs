//! Exact one-qubit synthesis: the fewest native gates equal to a 2x2 unitary up to phase.
//!
//! This is `synthesize_1q` of `qloom_unrollers.synthesis` (used by basis translation, 1q
//! fusion and 2q synthesis), moved to Rust. The same formulas run in the same order, with
//! CPython's own `hypot`, `remainder`, complex `sqrt` and division ([`pymath`]), so the
//! gates and angles equal the Python ones bit for bit (the Python code was the test oracle
//! during the port; its outputs are now the golden file
//! `tests/plugins/unrollers/golden/euler.json`).
//!
//! # API (what a kernel calls)
//!
//! ```
//! use qloom_euler::{synthesize_1q, Natives, C64};
//!
//! // Resolve the natives once (it decides which Euler bases apply), then synthesize often.
//! let natives = Natives::new(["cz", "rz", "sx", "x"]); // or Natives::all() for "any gate"
//! let h = std::f64::consts::FRAC_1_SQRT_2;
//! let hadamard = [
//!     [C64::new(h, 0.0), C64::new(h, 0.0)],
//!     [C64::new(h, 0.0), C64::new(-h, 0.0)],
//! ];
//! let gates = synthesize_1q(&hadamard, &natives).unwrap();
//! let names: Vec<&str> = gates.iter().map(|g| g.name).collect();
//! assert_eq!(names, ["rz", "sx", "rz"]);
//! assert_eq!(gates[0].params(), [std::f64::consts::FRAC_PI_2]);
//! ```
//!
//! * [`Natives::new`] takes native gate names (any iterable of `&str`/`String`);
//!   [`Natives::all`] is Python's `natives=None` (the whole gate library).
//!   [`Natives::bases`] is `one_qubit_bases` (empty: no universal one-qubit basis).
//! * [`synthesize_1q`] returns a [`Sequence`] (at most [`MAX_GATES`] gates, no allocation,
//!   derefs to `&[Gate1q]`) in time order; empty for a multiple of the identity.
//! * A [`Gate1q`] is a `&'static str` name (`rz`, `p`, `u1`, `sx`, `sxdg`, `x`, `u`, `u3`,
//!   `U`, `rx`, `ry`, `prx`, `gpi`, `gpi2`) and up to 3 angles in `params()`: in (-pi, pi]
//!   (`u`'s theta and `prx`'s in [0, pi]).
//! * [`SynthesisError`]: the matrix is not a (finite) 2x2 unitary, or the natives have no
//!   universal basis and the matrix is not the identity. Its `Display` is the Python message.
//! * [`quaternion`] and [`zyz_angles`] are the building blocks, public for callers that
//!   want Euler angles without choosing gates; [`synthesize_quaternion`] starts from a
//!   quaternion.
//! * Everything is plain data: [`Natives`] is `Send + Sync` (share one across threads),
//!   [`Sequence`] and [`Gate1q`] are `Copy`. Non-finite entries are an error (the Python
//!   code returned garbage for them).
//!
//! # How a sequence is chosen
//!
//! A unitary is, up to phase, a unit quaternion `(w, x, y, z)` meaning
//! `w I - i (x X + y Y + z Z)`. Every basis reads its angles from it: Euler angles about
//! two axes (`ZYZ`, `ZXZ`, `XYX`, ...) after relabelling the axes, `rz`/`sx` sequences,
//! XY-plane pulses (`prx`: two pulses of equal angle; `gpi`/`gpi2`: at most three). Each
//! basis proposes a few exact sequences; angles that vanish modulo 2 pi (within
//! [`ANGLE_TOL`]) drop their gate, and the shortest sequence over all the bases the natives
//! allow wins (ties: fewer gates that are not virtual Z rotations; then the first proposed).

mod bases;
pub mod pymath;

use std::fmt;
use std::ops::Deref;

pub use pymath::C64;

use bases::Axis;

/// Angles closer than this to zero (mod 2 pi), or to a special value, count as equal to it.
pub const ANGLE_TOL: f64 = 1e-10;

/// The longest sequence any basis proposes (`rz sx rz sx rz`).
pub const MAX_GATES: usize = 5;

/// A 2x2 complex matrix, row-major: `m[row][column]`.
pub type Matrix2 = [[C64; 2]; 2];

/// `(w, x, y, z)`, `w >= 0`: the unitary `w I - i (x X + y Y + z Z)` up to phase.
pub type Quaternion = [f64; 4];

const VIRTUAL_Z: [&str; 3] = ["rz", "p", "u1"];
const U_NAMES: [&str; 3] = ["u", "u3", "U"];

/// One gate on one qubit: a name and up to three angles.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Gate1q {
    /// The gate's name (one of the natives, or of the gate library for [`Natives::all`]).
    pub name: &'static str,
    params: [f64; 3],
    len: u8,
}

impl Gate1q {
    fn new(name: &'static str, params: &[f64]) -> Self {
        let mut stored = [0.0; 3];
        stored[..params.len()].copy_from_slice(params);
        Gate1q {
            name,
            params: stored,
            len: params.len() as u8,
        }
    }

    /// The gate's angles (empty for `sx`, `sxdg`, `x`).
    pub fn params(&self) -> &[f64] {
        &self.params[..self.len as usize]
    }

    fn is_virtual_z(&self) -> bool {
        VIRTUAL_Z.contains(&self.name)
    }
}

/// Up to [`MAX_GATES`] gates in time order, stored inline; derefs to `&[Gate1q]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sequence {
    gates: [Gate1q; MAX_GATES],
    len: usize,
}

impl Sequence {
    /// No gate.
    pub const EMPTY: Sequence = Sequence {
        gates: [Gate1q {
            name: "",
            params: [0.0; 3],
            len: 0,
        }; MAX_GATES],
        len: 0,
    };

    fn push(&mut self, name: &'static str, params: &[f64]) {
        self.gates[self.len] = Gate1q::new(name, params);
        self.len += 1;
    }

    /// `(length, gates that are not virtual Z rotations)`: smaller is better.
    fn rank(&self) -> (usize, usize) {
        (self.len, self.iter().filter(|g| !g.is_virtual_z()).count())
    }
}

impl Deref for Sequence {
    type Target = [Gate1q];
    fn deref(&self) -> &[Gate1q] {
        &self.gates[..self.len]
    }
}

/// Why no sequence was produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SynthesisError {
    /// The matrix is singular (determinant below 1e-12) or has a non-finite entry.
    NotUnitary,
    /// The natives (sorted) have no universal one-qubit basis and the matrix is not the
    /// identity.
    NoBasis(Vec<String>),
}

impl fmt::Display for SynthesisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SynthesisError::NotUnitary => write!(f, "synthesize_1q needs a 2x2 unitary"),
            SynthesisError::NoBasis(names) => {
                let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
                write!(
                    f,
                    "the natives [{}] have no universal one-qubit basis \
                     (need e.g. rz+sx, rz+ry, rz+rx, rx+ry, u, prx or gpi+gpi2)",
                    quoted.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for SynthesisError {}

/// An Euler basis: a family of sequences some natives can express.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// Z rotations (`rz`, `p` or `u1`) around `sx`, with `x`/`sxdg` when native.
    Zsx,
    /// One `u`/`u3`/`U`.
    U,
    /// `Rz Ry Rz`.
    Zyz,
    /// `Rz Rx Rz`.
    Zxz,
    /// `Rx Ry Rx`.
    Xyx,
    /// `Rx Rz Rx`.
    Xzx,
    /// `Ry Rx Ry`.
    Yxy,
    /// `Ry Rz Ry`.
    Yzy,
    /// XY-plane pulses `prx(theta, phi)`.
    Prx,
    /// Half- and quarter-turn pulses `gpi`/`gpi2` (with `gpi` or a Z rotation).
    Gpi,
}

impl Basis {
    /// Every basis, in the order they are tried.
    pub const ALL: [Basis; 10] = [
        Basis::Zsx,
        Basis::U,
        Basis::Zyz,
        Basis::Zxz,
        Basis::Xyx,
        Basis::Xzx,
        Basis::Yxy,
        Basis::Yzy,
        Basis::Prx,
        Basis::Gpi,
    ];

    /// The Python name (`"ZSX"`, `"U"`, `"ZYZ"`, ..., `"PRX"`, `"GPI"`).
    pub fn name(self) -> &'static str {
        match self {
            Basis::Zsx => "ZSX",
            Basis::U => "U",
            Basis::Zyz => "ZYZ",
            Basis::Zxz => "ZXZ",
            Basis::Xyx => "XYX",
            Basis::Xzx => "XZX",
            Basis::Yxy => "YXY",
            Basis::Yzy => "YZY",
            Basis::Prx => "PRX",
            Basis::Gpi => "GPI",
        }
    }

    /// `(outer, middle)` axes of a rotation-pair basis.
    fn axes(self) -> Option<(Axis, Axis)> {
        match self {
            Basis::Zyz => Some((Axis::Z, Axis::Y)),
            Basis::Zxz => Some((Axis::Z, Axis::X)),
            Basis::Xyx => Some((Axis::X, Axis::Y)),
            Basis::Xzx => Some((Axis::X, Axis::Z)),
            Basis::Yxy => Some((Axis::Y, Axis::X)),
            Basis::Yzy => Some((Axis::Y, Axis::Z)),
            _ => None,
        }
    }
}

/// What one-qubit gates a native gate set offers, and the bases that follow; resolve once
/// per native set and reuse.
#[derive(Clone, Debug)]
pub struct Natives {
    /// The virtual Z rotation, in order of preference `rz`, `p`, `u1`.
    z: Option<&'static str>,
    /// `u`, `u3` or `U`.
    u: Option<&'static str>,
    rx: Option<&'static str>,
    ry: Option<&'static str>,
    sx: bool,
    sxdg: bool,
    x: bool,
    prx: bool,
    gpi: bool,
    gpi2: bool,
    /// `Natives::all()`: only `ZSX` and `U` are tried (nothing else can do better).
    unconstrained: bool,
    bases: Vec<Basis>,
    sorted_names: Vec<String>,
}

impl Natives {
    /// Every gate of the library (Python's `natives=None`).
    pub fn all() -> Self {
        Self::resolve(|_| true, true, Vec::new())
    }

    /// The one-qubit abilities of the native gate names `names`.
    pub fn new<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut sorted: Vec<String> = names.into_iter().map(|n| n.as_ref().to_owned()).collect();
        sorted.sort();
        sorted.dedup();
        let has = |name: &str| sorted.binary_search_by(|n| n.as_str().cmp(name)).is_ok();
        let resolved = Self::resolve(has, false, Vec::new());
        Natives {
            sorted_names: sorted,
            ..resolved
        }
    }

    fn resolve(has: impl Fn(&str) -> bool, unconstrained: bool, names: Vec<String>) -> Self {
        let first = |options: &[&'static str]| options.iter().copied().find(|n| has(n));
        let mut natives = Natives {
            z: first(&VIRTUAL_Z),
            u: first(&U_NAMES),
            rx: first(&["rx"]),
            ry: first(&["ry"]),
            sx: has("sx"),
            sxdg: has("sxdg"),
            x: has("x"),
            prx: has("prx"),
            gpi: has("gpi"),
            gpi2: has("gpi2"),
            unconstrained,
            bases: Vec::new(),
            sorted_names: names,
        };
        natives.bases = Basis::ALL
            .into_iter()
            .filter(|b| natives.offers(*b))
            .collect();
        natives
    }

    /// The rotation gate about `axis`, if native.
    fn rotation(&self, axis: Axis) -> Option<&'static str> {
        match axis {
            Axis::X => self.rx,
            Axis::Y => self.ry,
            Axis::Z => self.z,
        }
    }

    fn offers(&self, basis: Basis) -> bool {
        match basis {
            Basis::Zsx => self.z.is_some() && self.sx,
            Basis::U => self.u.is_some(),
            Basis::Prx => self.prx,
            Basis::Gpi => self.gpi2 && (self.gpi || self.z.is_some()),
            pair => {
                let (outer, middle) = pair.axes().expect("a rotation pair");
                self.rotation(outer).is_some() && self.rotation(middle).is_some()
            }
        }
    }

    /// The Euler bases these natives can express, in the order they are tried (Python's
    /// `one_qubit_bases`); empty when none is universal.
    pub fn bases(&self) -> &[Basis] {
        &self.bases
    }
}

/// `(w, x, y, z)`, `w >= 0`, with `matrix ~ w I - i (x X + y Y + z Z)` up to phase.
///
/// # Errors
/// [`SynthesisError::NotUnitary`] when the determinant's root is below 1e-6 in modulus or
/// an entry is not finite.
pub fn quaternion(matrix: &Matrix2) -> Result<Quaternion, SynthesisError> {
    let [[m00, m01], [m10, m11]] = *matrix;
    if matrix
        .iter()
        .flatten()
        .any(|c| !c.re.is_finite() || !c.im.is_finite())
    {
        return Err(SynthesisError::NotUnitary);
    }
    let root = (m00 * m11 - m01 * m10).sqrt();
    if root.abs() < 1e-6 {
        return Err(SynthesisError::NotUnitary);
    }
    let (v00, v01, v10, v11) = (m00 / root, m01 / root, m10 / root, m11 / root);
    let w = (v00 + v11).re / 2.0;
    let x = -(v01 + v10).im / 2.0;
    let y = (v10 - v01).re / 2.0;
    let z = (v11 - v00).im / 2.0;
    let mut norm = (w * w + x * x + y * y + z * z).sqrt();
    if w < 0.0 {
        norm = -norm;
    }
    Ok([w / norm, x / norm, y / norm, z / norm])
}

/// `(theta, phi, lam)`, `theta` in [0, pi], with `q ~ Rz(phi) Ry(theta) Rz(lam)`.
///
/// Multiplying out the quaternions gives `w + iz = cos(theta/2) e^{i(phi+lam)/2}` and
/// `y - ix = sin(theta/2) e^{i(phi-lam)/2}`; a factor that vanishes leaves its angle free
/// (set to zero, so a diagonal or anti-diagonal matrix gets no spurious rotation).
pub fn zyz_angles(q: Quaternion) -> (f64, f64, f64) {
    let [w, x, y, z] = q;
    let (cos_part, sin_part) = (pymath::hypot(w, z), pymath::hypot(x, y));
    let theta = 2.0 * sin_part.atan2(cos_part);
    let total = if cos_part > ANGLE_TOL {
        2.0 * z.atan2(w)
    } else {
        0.0
    };
    let difference = if sin_part > ANGLE_TOL {
        2.0 * (-x).atan2(y)
    } else {
        0.0
    };
    (
        theta,
        (total + difference) / 2.0,
        (total - difference) / 2.0,
    )
}

/// The fewest native gates equal to the 2x2 unitary `matrix` up to phase.
///
/// Returns the gates in time order; empty for a multiple of the identity.
///
/// # Errors
/// [`SynthesisError::NotUnitary`] for a singular or non-finite matrix;
/// [`SynthesisError::NoBasis`] when `natives` has no universal one-qubit basis and the
/// matrix is not the identity.
pub fn synthesize_1q(matrix: &Matrix2, natives: &Natives) -> Result<Sequence, SynthesisError> {
    let q = quaternion(matrix)?;
    synthesize_quaternion(q, natives)
}

/// [`synthesize_1q`] from the unitary's [`quaternion`].
///
/// # Errors
/// [`SynthesisError::NoBasis`] as for [`synthesize_1q`].
pub fn synthesize_quaternion(q: Quaternion, natives: &Natives) -> Result<Sequence, SynthesisError> {
    if natives.bases.is_empty() {
        if bases::is_identity(q) {
            return Ok(Sequence::EMPTY);
        }
        return Err(SynthesisError::NoBasis(natives.sorted_names.clone()));
    }
    let mut best = bases::Best::new();
    if let Some(z) = natives.z {
        // a diagonal matrix is one virtual Z rotation, in any basis
        let (theta, phi, lam) = zyz_angles(q);
        if bases::vanishes(theta) {
            best.offer(bases::rot(z, phi + lam));
        }
    }
    let unconstrained = [Basis::Zsx, Basis::U];
    let tried: &[Basis] = if natives.unconstrained {
        &unconstrained
    } else {
        &natives.bases
    };
    for &basis in tried {
        bases::candidates(basis, q, natives, &mut best);
    }
    Ok(best.into_sequence())
}

#[cfg(test)]
mod tests;
