//! Two-qubit block consolidation (`optimizers:consolidate_2q`): each block of gates acting
//! only within a pair of qubits is replaced by its resynthesis, when that is shorter or the
//! block is not native.
//!
//! A block is a maximal stretch of gates on one pair `(a, b)` (`a < b`): its two-qubit
//! gates and the one-qubit gates on `a` and `b` around them. A one-qubit gate joins the open
//! block of its qubit or waits as "loose"; a two-qubit gate extends the block open on its
//! pair, or closes the blocks of its qubits and opens a new one holding the loose gates of
//! both qubits (first qubit's first); an opaque operation (or a gate on three or more
//! qubits) settles its qubits: their block closes, their loose gates follow. At the end the
//! blocks still open close in the order they were opened, then the loose gates follow by
//! qubit.
//!
//! The caller decides what replaces a block (the KAK synthesis lives in Python), asked once
//! per distinct question ([`Question`]: the block's 4x4 matrix, the direction class of its
//! pair, foreign or not, its number of two-qubit gates) and remembered in a [`BlockMemo`],
//! as [`crate::fuse`] does with one-qubit runs. Only blocks with two or more two-qubit gates
//! or a gate outside the natives are asked about; the others stay as they are.

use std::collections::{HashMap, HashSet};

use crate::complex::{Matrix, C64};
use crate::kinds::{KindTable, Op};

/// A block the caller must decide: its unitary (qubit `a` of its pair the most significant
/// bit), the direction class of its pair, whether it holds a gate outside the natives, and
/// its number of two-qubit gates.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    pub matrix: Matrix,
    pub class: u32,
    pub foreign: bool,
    pub two_qubit: u32,
}

/// The gates replacing a block: kinds with their qubits as positions in the pair (0 is `a`).
pub type Replacement = Vec<(u32, Vec<u8>)>;

/// What [`consolidate`] must learn before it can rewrite the operations.
#[derive(Clone, Debug, PartialEq)]
pub enum Missing {
    /// Pairs `(a, b)`, `a < b`, whose direction class is unknown (see [`BlockMemo::classify`]).
    Pairs(Vec<(u32, u32)>),
    /// Distinct questions without an answer (see [`BlockMemo::insert`]), first seen first.
    Blocks(Vec<Question>),
}

type Key = (Vec<u64>, u32, bool, u32);

fn key_of(question: &Question) -> Key {
    let bits = (0..4)
        .flat_map(|r| (0..4).map(move |c| (r, c)))
        .flat_map(|(r, c)| {
            let v = question.matrix.get(r, c);
            [v.re.to_bits(), v.im.to_bits()]
        })
        .collect();
    (bits, question.class, question.foreign, question.two_qubit)
}

/// The direction class of each pair seen so far, the answer to each question, and the
/// matrix of each block content seen (its gates' kinds and places in the pair: the same
/// blocks come back on many pairs and in every round).
#[derive(Clone, Debug, Default)]
pub struct BlockMemo {
    classes: HashMap<(u32, u32), u32>,
    known: HashMap<Key, Option<Replacement>>,
    matrices: HashMap<Vec<u32>, Option<Matrix>>,
}

impl BlockMemo {
    pub fn new() -> BlockMemo {
        BlockMemo::default()
    }

    /// Pair `(a, b)` (`a < b`) is in direction class `class`: two pairs of a class accept
    /// the same orders of their qubits, so their blocks get the same answers.
    pub fn classify(&mut self, pair: (u32, u32), class: u32) {
        self.classes.insert(pair, class);
    }

    /// Remember what replaces the blocks of `question` (`None`: they stay).
    pub fn insert(&mut self, question: &Question, replacement: Option<Replacement>) {
        self.known.insert(key_of(question), replacement);
    }
}

/// A block being collected: its pair, its operations (indices) and two-qubit gates.
struct Block {
    pair: (u32, u32),
    ops: Vec<usize>,
    two_qubit: u32,
    open: bool,
}

/// What the walk produces, in output order.
enum Piece {
    Keep(usize),
    Block(usize),
}

/// `ops` with their two-qubit blocks consolidated, or what `memo` must learn first (then
/// call again).
pub fn consolidate(
    ops: &[Op],
    kinds: &KindTable,
    memo: &mut BlockMemo,
) -> Result<Vec<Op>, Missing> {
    let (pieces, blocks) = walk(ops);
    let asked = |block: &Block| {
        block.two_qubit >= 2 || block.ops.iter().any(|&i| !kinds.get(ops[i].kind).native)
    };
    let mut pairs = Vec::new();
    let mut seen = HashSet::new();
    for block in blocks.iter().filter(|b| asked(b)) {
        if !memo.classes.contains_key(&block.pair) && seen.insert(block.pair) {
            pairs.push(block.pair);
        }
    }
    if !pairs.is_empty() {
        return Err(Missing::Pairs(pairs));
    }
    let questions: Vec<Option<Question>> = blocks
        .iter()
        .map(|block| {
            if !asked(block) {
                return None;
            }
            let content = content(block, ops);
            let matrix = match memo.matrices.get(&content) {
                Some(known) => known.clone()?,
                None => {
                    let matrix = block_matrix(block, ops, kinds);
                    memo.matrices.insert(content, matrix.clone());
                    matrix?
                }
            };
            Some(Question {
                matrix,
                class: memo.classes[&block.pair],
                foreign: block.ops.iter().any(|&i| !kinds.get(ops[i].kind).native),
                two_qubit: block.two_qubit,
            })
        })
        .collect();
    let keys: Vec<Option<Key>> = questions.iter().map(|q| q.as_ref().map(key_of)).collect();
    let mut missing = Vec::new();
    let mut new_keys = HashSet::new();
    for (question, key) in questions.iter().zip(&keys) {
        if let (Some(question), Some(key)) = (question, key) {
            if !memo.known.contains_key(key) && new_keys.insert(key.clone()) {
                missing.push(question.clone());
            }
        }
    }
    if !missing.is_empty() {
        return Err(Missing::Blocks(missing));
    }
    let mut out = Vec::with_capacity(ops.len());
    for piece in pieces {
        let id = match piece {
            Piece::Keep(i) => {
                out.push(ops[i].clone());
                continue;
            }
            Piece::Block(id) => id,
        };
        let block = &blocks[id];
        let replacement = keys[id].as_ref().and_then(|key| memo.known[key].as_ref());
        match replacement {
            None => out.extend(block.ops.iter().map(|&i| ops[i].clone())),
            Some(gates) => {
                let pair = [block.pair.0, block.pair.1];
                out.extend(gates.iter().map(|(kind, local)| Op {
                    kind: *kind,
                    qubits: local.iter().map(|&p| pair[p as usize]).collect(),
                    opaque: false,
                    origin: None,
                }));
            }
        }
    }
    Ok(out)
}

/// The pieces in output order and the blocks (in the order they were opened).
fn walk(ops: &[Op]) -> (Vec<Piece>, Vec<Block>) {
    let wires = ops
        .iter()
        .flat_map(|op| op.qubits.iter())
        .max()
        .map_or(0, |&q| q as usize + 1);
    let mut open: Vec<Option<usize>> = vec![None; wires];
    let mut loose: Vec<Vec<usize>> = vec![Vec::new(); wires];
    let mut blocks: Vec<Block> = Vec::new();
    let mut pieces = Vec::with_capacity(ops.len());
    let close = |id: usize,
                 blocks: &mut Vec<Block>,
                 open: &mut Vec<Option<usize>>,
                 pieces: &mut Vec<Piece>| {
        let block = &mut blocks[id];
        block.open = false;
        open[block.pair.0 as usize] = None;
        open[block.pair.1 as usize] = None;
        pieces.push(Piece::Block(id));
    };
    for (i, op) in ops.iter().enumerate() {
        match (op.opaque, op.qubits.as_slice()) {
            (false, &[q]) => match open[q as usize] {
                Some(id) => blocks[id].ops.push(i),
                None => loose[q as usize].push(i),
            },
            (false, &[a, b]) => {
                if let (Some(x), Some(y)) = (open[a as usize], open[b as usize]) {
                    if x == y {
                        blocks[x].ops.push(i);
                        blocks[x].two_qubit += 1;
                        continue;
                    }
                }
                for q in [a, b] {
                    if let Some(id) = open[q as usize] {
                        close(id, &mut blocks, &mut open, &mut pieces);
                    }
                }
                let mut members = std::mem::take(&mut loose[a as usize]);
                members.append(&mut loose[b as usize]);
                members.push(i);
                let id = blocks.len();
                blocks.push(Block {
                    pair: (a.min(b), a.max(b)),
                    ops: members,
                    two_qubit: 1,
                    open: true,
                });
                open[a as usize] = Some(id);
                open[b as usize] = Some(id);
            }
            _ => {
                for &q in &op.qubits {
                    if let Some(id) = open[q as usize] {
                        close(id, &mut blocks, &mut open, &mut pieces);
                    }
                    pieces.extend(loose[q as usize].drain(..).map(Piece::Keep));
                }
                pieces.push(Piece::Keep(i));
            }
        }
    }
    for id in 0..blocks.len() {
        if blocks[id].open {
            close(id, &mut blocks, &mut open, &mut pieces);
        }
    }
    for run in loose {
        pieces.extend(run.into_iter().map(Piece::Keep));
    }
    (pieces, blocks)
}

/// What a block's matrix depends on: per gate its kind and its place in the pair (one-qubit
/// on the first or second qubit, two-qubit in the pair's order or reversed).
fn content(block: &Block, ops: &[Op]) -> Vec<u32> {
    let a = block.pair.0;
    block
        .ops
        .iter()
        .map(|&i| {
            let op = &ops[i];
            let place = match op.qubits.len() {
                1 => u32::from(op.qubits[0] != a),
                _ => 2 + u32::from(op.qubits[0] != a),
            };
            op.kind << 2 | place
        })
        .collect()
}

/// The block's 4x4 unitary, `None` when a gate has no matrix. The one-qubit gates are
/// gathered per qubit and applied as one tensor product before each two-qubit gate.
///
/// The arithmetic is numpy's, operation for operation, so that the matrix is the one the
/// Python pass this replaces built, bit for bit (the resynthesis of a block whose
/// decomposition is degenerate depends on the last bits): products in its order
/// (`(m @ kron) @ out`, the exchange as `(E @ m) @ E`), 2x2 and 4x4 products and the
/// elementwise product of the tensor product rounded as numpy's loops and OpenBLAS's
/// `zgemm` round them (see [`mul`], [`matmul2`], [`matmul4`]).
fn block_matrix(block: &Block, ops: &[Op], kinds: &KindTable) -> Option<Matrix> {
    let a = block.pair.0;
    let mut out = Matrix::identity(4);
    let mut pending = [Matrix::identity(2), Matrix::identity(2)];
    for &i in &block.ops {
        let op = &ops[i];
        let m = kinds.get(op.kind).matrix.as_ref()?;
        if op.qubits.len() == 1 {
            let side = usize::from(op.qubits[0] != a);
            pending[side] = matmul2(m, &pending[side]);
            continue;
        }
        let m = if op.qubits[0] != a {
            let exchange = exchange();
            matmul4(&matmul4(&exchange, m), &exchange)
        } else {
            m.clone()
        };
        out = matmul4(&matmul4(&m, &kron(&pending[0], &pending[1])), &out);
        pending = [Matrix::identity(2), Matrix::identity(2)];
    }
    Some(matmul4(&kron(&pending[0], &pending[1]), &out))
}

/// `x * y` rounded as numpy's elementwise complex product: one fused multiply-add per part.
fn mul(x: C64, y: C64) -> C64 {
    C64::new(
        x.re.mul_add(y.re, -(x.im * y.im)),
        x.re.mul_add(y.im, x.im * y.re),
    )
}

/// `x @ y` of 2x2 matrices rounded as numpy's own matmul loop: per entry, one real and one
/// imaginary sum, each term added by fused multiply-adds.
fn matmul2(x: &Matrix, y: &Matrix) -> Matrix {
    let mut data = vec![C64::ZERO; 4];
    for i in 0..2 {
        for j in 0..2 {
            let (mut re, mut im) = (0.0f64, 0.0f64);
            for k in 0..2 {
                let (p, q) = (x.get(i, k), y.get(k, j));
                re = (-p.im).mul_add(q.im, re);
                re = p.re.mul_add(q.re, re);
                im = p.im.mul_add(q.re, im);
                im = p.re.mul_add(q.im, im);
            }
            data[i * 2 + j] = C64::new(re, im);
        }
    }
    Matrix::from_rows(data).expect("4 entries")
}

/// `x @ y` of 4x4 matrices rounded as OpenBLAS's `zgemm` (which numpy calls): per entry,
/// four real sums of products (re·re, im·im, re·im, im·re) by fused multiply-adds, then
/// combined.
fn matmul4(x: &Matrix, y: &Matrix) -> Matrix {
    let mut data = vec![C64::ZERO; 16];
    for i in 0..4 {
        for j in 0..4 {
            let (mut rr, mut ii, mut ri, mut ir) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
            for k in 0..4 {
                let (p, q) = (x.get(i, k), y.get(k, j));
                rr = p.re.mul_add(q.re, rr);
                ii = p.im.mul_add(q.im, ii);
                ri = p.re.mul_add(q.im, ri);
                ir = p.im.mul_add(q.re, ir);
            }
            data[i * 4 + j] = C64::new(rr - ii, ri + ir);
        }
    }
    Matrix::from_rows(data).expect("16 entries")
}

/// `left ⊗ right` of two 2x2 matrices (`left` on the most significant bit).
fn kron(left: &Matrix, right: &Matrix) -> Matrix {
    let mut data = vec![C64::ZERO; 16];
    for i in 0..2 {
        for j in 0..2 {
            for k in 0..2 {
                for l in 0..2 {
                    data[(2 * i + j) * 4 + 2 * k + l] = mul(left.get(i, k), right.get(j, l));
                }
            }
        }
    }
    Matrix::from_rows(data).expect("16 entries")
}

/// The SWAP matrix that exchanges the two qubits of a 4x4 gate (`E @ m @ E`).
fn exchange() -> Matrix {
    let mut data = vec![C64::ZERO; 16];
    for (r, c) in [(0, 0), (1, 2), (2, 1), (3, 3)] {
        data[r * 4 + c] = C64::ONE;
    }
    Matrix::from_rows(data).expect("16 entries")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(rows: &[[f64; 2]]) -> Matrix {
        Matrix::from_rows(rows.iter().map(|&[re, im]| C64::new(re, im)).collect()).unwrap()
    }

    #[test]
    fn kron_puts_left_on_the_high_bit() {
        let x = m(&[[0.0, 0.0], [1.0, 0.0], [1.0, 0.0], [0.0, 0.0]]);
        let k = kron(&x, &Matrix::identity(2));
        // X on the high bit: |00> -> |10>.
        assert_eq!(k.get(2, 0), C64::ONE);
        assert_eq!(k.get(0, 0), C64::ZERO);
    }

    #[test]
    fn exchange_swaps_control_and_target() {
        let mut rows = vec![[0.0, 0.0]; 16];
        for (r, c) in [(0, 0), (1, 1), (2, 3), (3, 2)] {
            rows[r * 4 + c] = [1.0, 0.0];
        }
        let cx01 = m(&rows);
        let e = exchange();
        let cx10 = matmul4(&matmul4(&e, &cx01), &e);
        // Control on the low bit: |01> -> |11>.
        assert_eq!(cx10.get(3, 1), C64::ONE);
        assert_eq!(cx10.get(2, 2), C64::ONE);
        assert_eq!(cx10.get(1, 1), C64::ZERO);
    }
}
