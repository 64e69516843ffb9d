//! Removing gates equal to the identity up to global phase.

use crate::kinds::{KindTable, Op};

/// `ops` without the (non-opaque) gates whose kind is the identity.
pub fn remove_identities(ops: &mut Vec<Op>, kinds: &KindTable) {
    ops.retain(|op| op.opaque || !kinds.get(op.kind).identity);
}
