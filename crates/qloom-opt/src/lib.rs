//! The optimizer kernel of `qloom-optimizers` on an array form of a circuit.
//!
//! A circuit is a [`KindTable`] (its distinct gates, each with the facts the passes ask:
//! matrix, diagonal, identity, inverse, rotation family, ...) and a list of [`Op`]s (kind,
//! qubits, opaque or not). The caller builds both once per circuit, runs passes on them
//! through a [`Program`], and reads the operations back once:
//!
//! * [`remove_identities`]: gates equal to the identity up to phase go;
//! * [`fuse`]: runs of one-qubit gates become their synthesis, asked once per distinct run;
//! * [`cancel`]: inverse pairs cancel and rotations merge across commuting gates;
//! * [`consolidate`]: two-qubit blocks become their resynthesis, asked once per distinct
//!   block.
//!
//! Every pass reproduces the Python pass it replaced (now `tests/support/optimizer_oracle.py`)
//! operation for operation; merged angles are the same sums in the same order.

pub mod cancel;
pub mod commute;
pub mod complex;
pub mod consolidate;
pub mod fuse;
pub mod identities;
pub mod kinds;
pub mod rotations;

pub use cancel::cancel;
pub use commute::Commuter;
pub use complex::{Matrix, C64};
pub use consolidate::{consolidate, BlockMemo, Missing, Question, Replacement};
pub use fuse::{fuse, FusionMemo};
pub use identities::remove_identities;
pub use kinds::{size, Kind, KindSpec, KindTable, Op};

/// A circuit being optimized: its kinds, its operations, a saved copy of the operations
/// to go back to, and the memos (commutation, fusion) kept across passes.
#[derive(Debug, Default)]
pub struct Program {
    pub kinds: KindTable,
    pub ops: Vec<Op>,
    saved: Vec<Op>,
    commuter: Commuter,
    memo: FusionMemo,
    blocks: BlockMemo,
}

impl Program {
    pub fn new(kinds: KindTable) -> Program {
        Program {
            kinds,
            ..Program::default()
        }
    }

    /// Remember the operations as they are now (see [`Program::restore`]).
    pub fn save(&mut self) {
        self.saved = self.ops.clone();
    }

    /// Go back to the operations last saved.
    pub fn restore(&mut self) {
        self.ops = self.saved.clone();
    }

    pub fn remove_identities(&mut self) {
        remove_identities(&mut self.ops, &self.kinds);
    }

    pub fn cancel(&mut self, lookback: usize) {
        let ops = std::mem::take(&mut self.ops);
        self.ops = cancel(ops, &mut self.kinds, &mut self.commuter, lookback);
    }

    /// Fuse the one-qubit runs, or name the runs whose synthesis must be added first with
    /// [`Program::learn`] (the operations are then unchanged).
    pub fn fuse(&mut self) -> Result<(), Vec<Vec<u32>>> {
        self.ops = fuse(&self.ops, &self.kinds, &self.memo)?;
        Ok(())
    }

    /// Remember the synthesis of `run`: the kinds replacing it, or `None` to keep it.
    pub fn learn(&mut self, run: Vec<u32>, replacement: Option<Vec<u32>>) {
        self.memo.insert(run, replacement);
    }

    /// Consolidate the two-qubit blocks, or say what must be learnt first with
    /// [`Program::classify`] and [`Program::decide`] (the operations are then unchanged).
    pub fn consolidate(&mut self) -> Result<(), Missing> {
        self.ops = consolidate(&self.ops, &self.kinds, &mut self.blocks)?;
        Ok(())
    }

    /// Pair `(a, b)` (`a < b`) is in direction class `class` (see [`BlockMemo::classify`]).
    pub fn classify(&mut self, pair: (u32, u32), class: u32) {
        self.blocks.classify(pair, class);
    }

    /// Remember what replaces the blocks of `question`: gates, or `None` to keep them.
    pub fn decide(&mut self, question: &Question, replacement: Option<Replacement>) {
        self.blocks.insert(question, replacement);
    }

    /// Two-qubit gates and operations.
    pub fn size(&self) -> (usize, usize) {
        size(&self.ops, &self.kinds)
    }
}
