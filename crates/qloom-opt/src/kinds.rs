//! The distinct gates of a circuit (name and parameters), each with the facts the passes
//! ask of it, and the operations that refer to them.

use std::collections::HashMap;

use crate::complex::Matrix;
use crate::rotations::Family;

/// What the caller knows about one distinct gate (one name with one list of parameters).
#[derive(Clone, Debug, Default)]
pub struct KindSpec {
    pub name: String,
    /// Its matrix, row-major; `None` for directives and gates on more than four qubits.
    pub matrix: Option<Matrix>,
    /// Diagonal at these parameters.
    pub diagonal: bool,
    /// The identity up to global phase.
    pub identity: bool,
    /// Its own inverse (and without parameters).
    pub self_inverse: bool,
    /// The name of the gate it cancels with (`s` for `sdg`).
    pub inverse: Option<String>,
    /// For a rotation family: the period after which it is the identity, and its angle.
    pub rotation: Option<(f64, f64)>,
    /// A two-qubit gate equal to itself with its qubits exchanged.
    pub symmetric: bool,
    /// Commutes with a CX on the CX's target.
    pub x_like: bool,
    /// A CX (`cx` or `CX`).
    pub cx: bool,
    /// In the backend's natives (or every gate is, when it has none).
    pub native: bool,
}

/// A rotation's family, period and angle.
#[derive(Clone, Copy, Debug)]
pub struct Rotation {
    pub family: Family,
    pub period: f64,
    pub angle: f64,
}

/// One distinct gate as the passes see it.
#[derive(Clone, Debug)]
pub struct Kind {
    /// Index of its name in [`KindTable::name`].
    pub name: u32,
    pub matrix: Option<Matrix>,
    pub diagonal: bool,
    pub identity: bool,
    pub self_inverse: bool,
    pub inverse: Option<u32>,
    pub rotation: Option<Rotation>,
    pub symmetric: bool,
    pub x_like: bool,
    pub cx: bool,
    pub native: bool,
    pub barrier: bool,
}

/// The kinds of a circuit; it only grows (merged rotations add kinds).
#[derive(Clone, Debug, Default)]
pub struct KindTable {
    names: Vec<String>,
    name_ids: HashMap<String, u32>,
    kinds: Vec<Kind>,
    merged: HashMap<(u32, u64), u32>,
}

impl KindTable {
    pub fn new() -> KindTable {
        KindTable::default()
    }

    fn name_id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.name_ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.to_owned());
        self.name_ids.insert(name.to_owned(), id);
        id
    }

    /// Add a kind; its index is the table's length before the call.
    ///
    /// A rotation's family comes from its name; a name with a period but no family is an
    /// error (the kernel could not build the matrix of a merged angle).
    pub fn push(&mut self, spec: KindSpec) -> Result<u32, String> {
        let rotation = match spec.rotation {
            None => None,
            Some((period, angle)) => {
                let family = Family::of(&spec.name).ok_or_else(|| {
                    format!("'{}' has a rotation period but no known family", spec.name)
                })?;
                Some(Rotation {
                    family,
                    period,
                    angle,
                })
            }
        };
        let kind = Kind {
            name: self.name_id(&spec.name),
            barrier: spec.name == "barrier",
            matrix: spec.matrix,
            diagonal: spec.diagonal,
            identity: spec.identity,
            self_inverse: spec.self_inverse,
            inverse: spec.inverse.map(|n| self.name_id(&n)),
            rotation,
            symmetric: spec.symmetric,
            x_like: spec.x_like,
            cx: spec.cx,
            native: spec.native,
        };
        self.kinds.push(kind);
        Ok(self.kinds.len() as u32 - 1)
    }

    /// The kind of rotation `like` (a rotation kind) at `angle`, added once per angle.
    pub fn rotated(&mut self, like: u32, angle: f64) -> u32 {
        let base = &self.kinds[like as usize];
        let key = (base.name, angle.to_bits());
        if let Some(&id) = self.merged.get(&key) {
            return id;
        }
        let rotation = base.rotation.expect("rotated() of a rotation kind");
        let matrix = rotation.family.matrix(angle);
        let kind = Kind {
            identity: matrix.dim() <= 8 && matrix.is_identity_up_to_phase(1e-12),
            matrix: Some(matrix),
            rotation: Some(Rotation { angle, ..rotation }),
            self_inverse: false,
            inverse: None,
            ..base.clone()
        };
        self.kinds.push(kind);
        let id = self.kinds.len() as u32 - 1;
        self.merged.insert(key, id);
        id
    }

    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    pub fn get(&self, id: u32) -> &Kind {
        &self.kinds[id as usize]
    }

    /// The name of name index `id`.
    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }
}

/// One operation: its kind, its qubits and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Op {
    pub kind: u32,
    pub qubits: Vec<u32>,
    /// Not a gate the passes may touch: a directive, a measurement, a conditioned gate.
    pub opaque: bool,
    /// Index of the input operation it is unchanged from, if it is.
    pub origin: Option<u32>,
}

/// Number of two-qubit gates (barriers excluded) and of operations, the sizes the
/// optimize loop compares (as `Circuit.count_2q()` and `len`).
pub fn size(ops: &[Op], kinds: &KindTable) -> (usize, usize) {
    let two = ops
        .iter()
        .filter(|op| op.qubits.len() == 2 && !kinds.get(op.kind).barrier)
        .count();
    (two, ops.len())
}
