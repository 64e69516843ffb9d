//! The passes on small hand-made circuits: what cancels, what merges, what blocks.

use std::f64::consts::{FRAC_1_SQRT_2, PI, TAU};

use qloom_opt::rotations::Family;
use qloom_opt::{KindSpec, KindTable, Matrix, Missing, Op, Program, C64};

fn m(rows: &[(f64, f64)]) -> Matrix {
    Matrix::from_rows(rows.iter().map(|&(re, im)| C64::new(re, im)).collect()).unwrap()
}

/// Kinds: 0 h, 1 cx, 2 rz(0.25), 3 rz(0.5), 4 cz, 5 s, 6 sdg, 7 measure, 8 rz(pi), 9 barrier.
fn table() -> KindTable {
    let h = FRAC_1_SQRT_2;
    let mut t = KindTable::new();
    let gate = |name: &str, matrix: Matrix| KindSpec {
        name: name.into(),
        matrix: Some(matrix),
        native: true,
        ..KindSpec::default()
    };
    let rz = |angle: f64| KindSpec {
        diagonal: true,
        rotation: Some((TAU, angle)),
        ..gate("rz", Family::Rz.matrix(angle))
    };
    let mut cx_rows = vec![C64::ZERO; 16];
    for (r, c) in [(0, 0), (1, 1), (2, 3), (3, 2)] {
        cx_rows[r * 4 + c] = C64::ONE;
    }
    let specs = vec![
        KindSpec {
            self_inverse: true,
            ..gate("h", m(&[(h, 0.0), (h, 0.0), (h, 0.0), (-h, 0.0)]))
        },
        KindSpec {
            self_inverse: true,
            cx: true,
            ..gate("cx", Matrix::from_rows(cx_rows).unwrap())
        },
        rz(0.25),
        rz(0.5),
        KindSpec {
            self_inverse: true,
            symmetric: true,
            diagonal: true,
            ..gate("cz", Family::CPhase.matrix(PI))
        },
        KindSpec {
            diagonal: true,
            inverse: Some("sdg".into()),
            ..gate("s", Family::Phase.matrix(PI / 2.0))
        },
        KindSpec {
            diagonal: true,
            inverse: Some("s".into()),
            ..gate("sdg", Family::Phase.matrix(-PI / 2.0))
        },
        KindSpec {
            name: "measure".into(),
            ..KindSpec::default()
        },
        rz(PI),
        KindSpec {
            name: "barrier".into(),
            ..KindSpec::default()
        },
    ];
    for spec in specs {
        t.push(spec).unwrap();
    }
    t
}

fn op(kind: u32, qubits: &[u32]) -> Op {
    Op {
        kind,
        qubits: qubits.to_vec(),
        opaque: kind == 7 || kind == 9,
        origin: None,
    }
}

fn program(ops: &[(u32, &[u32])]) -> Program {
    let mut p = Program::new(table());
    p.ops = ops
        .iter()
        .enumerate()
        .map(|(i, &(k, q))| Op {
            origin: Some(i as u32),
            ..op(k, q)
        })
        .collect();
    p
}

fn kinds_of(p: &Program) -> Vec<u32> {
    p.ops.iter().map(|o| o.kind).collect()
}

#[test]
fn inverse_pairs_cancel_across_commuting_gates() {
    // s(0) cx(0,1) sdg(0): s is diagonal on the control, so the pair meets and cancels.
    let mut p = program(&[(5, &[0]), (1, &[0, 1]), (6, &[0])]);
    p.cancel(24);
    assert_eq!(kinds_of(&p), [1]);
    // h(1) cx(0,1) h(1): h does not commute with the cx on its target.
    let mut p = program(&[(0, &[1]), (1, &[0, 1]), (0, &[1])]);
    p.cancel(24);
    assert_eq!(kinds_of(&p), [0, 1, 0]);
}

#[test]
fn rotations_merge_in_the_earlier_place_with_the_summed_angle() {
    let mut p = program(&[(2, &[0]), (1, &[0, 1]), (3, &[0])]);
    p.cancel(24);
    assert_eq!(p.ops.len(), 2);
    let merged = p.kinds.get(p.ops[0].kind);
    assert_eq!(
        merged.rotation.unwrap().angle.to_bits(),
        (0.25f64 + 0.5).to_bits()
    );
    assert_eq!(p.ops[0].origin, None);
    assert_eq!(p.ops[1].origin, Some(1));
    // rz(pi) rz(pi) is rz(2 pi): the identity up to phase, so both go.
    let mut p = program(&[(8, &[0]), (8, &[0])]);
    p.cancel(24);
    assert!(p.ops.is_empty());
}

#[test]
fn symmetric_gates_cancel_with_their_qubits_exchanged() {
    let mut p = program(&[(4, &[0, 1]), (4, &[1, 0])]);
    p.cancel(24);
    assert!(p.ops.is_empty());
    let mut p = program(&[(1, &[0, 1]), (1, &[1, 0])]);
    p.cancel(24);
    assert_eq!(p.ops.len(), 2);
}

#[test]
fn opaque_operations_and_the_lookback_block() {
    let mut p = program(&[(0, &[0]), (7, &[0]), (0, &[0])]);
    p.cancel(24);
    assert_eq!(kinds_of(&p), [0, 7, 0]);
    // s(0) cz(0,1) sdg(0): one gate back is the cz; a lookback of 1 stops there.
    let mut p = program(&[(5, &[0]), (4, &[0, 1]), (6, &[0])]);
    p.cancel(1);
    assert_eq!(kinds_of(&p), [5, 4, 6]);
    p.cancel(2);
    assert_eq!(kinds_of(&p), [4]);
}

#[test]
fn fusion_asks_each_distinct_run_once_then_replaces_it() {
    // h rz h on qubits 0 and 1, the same run twice; a barrier on no qubits in the middle.
    let mut p = program(&[
        (0, &[1]),
        (0, &[0]),
        (2, &[0]),
        (2, &[1]),
        (0, &[0]),
        (0, &[1]),
        (9, &[]),
        (0, &[0]),
    ]);
    let asked = p.fuse().unwrap_err();
    assert_eq!(asked, vec![vec![0, 2, 0]]);
    assert_eq!(p.ops.len(), 8, "nothing changes before the runs are known");
    p.learn(vec![0, 2, 0], Some(vec![3]));
    p.fuse().unwrap();
    // Runs flush oldest first at the barrier: qubit 1's run began first.
    let qubits: Vec<Vec<u32>> = p.ops.iter().map(|o| o.qubits.clone()).collect();
    assert_eq!(qubits, [vec![1], vec![0], vec![], vec![0]]);
    assert_eq!(
        kinds_of(&p),
        [3, 3, 9, 0],
        "a lone native gate stays as it is"
    );
}

#[test]
fn identities_go_and_save_restore_round_trip() {
    let mut t = table();
    let rz0 = t
        .push(KindSpec {
            name: "rz".into(),
            matrix: Some(Family::Rz.matrix(0.0)),
            identity: true,
            diagonal: true,
            rotation: Some((TAU, 0.0)),
            native: true,
            ..KindSpec::default()
        })
        .unwrap();
    let mut p = Program::new(t);
    p.ops = vec![op(rz0, &[0]), op(0, &[0]), op(7, &[0])];
    p.save();
    p.remove_identities();
    assert_eq!(kinds_of(&p), [0, 7]);
    assert_eq!(p.size(), (0, 2));
    p.restore();
    assert_eq!(p.ops.len(), 3);
}

#[test]
fn consolidation_asks_the_pair_then_the_block_then_rewrites_it() {
    // h(0) cx(0,1) cx(1,0) rz(1) cx(0,1) | measure(2) h(2) cx(2,3): one block of three cx
    // on (0, 1), asked about; the block on (2, 3) has one cx and is native: kept unasked.
    let ops: &[(u32, &[u32])] = &[
        (0, &[0]),
        (1, &[0, 1]),
        (1, &[1, 0]),
        (2, &[1]),
        (1, &[0, 1]),
        (7, &[2]),
        (0, &[2]),
        (1, &[2, 3]),
    ];
    let mut p = program(ops);
    assert_eq!(p.consolidate(), Err(Missing::Pairs(vec![(0, 1)])));
    p.classify((0, 1), 0);
    let question = match p.consolidate() {
        Err(Missing::Blocks(questions)) => {
            assert_eq!(questions.len(), 1);
            questions[0].clone()
        }
        other => panic!("expected one block question, got {other:?}"),
    };
    assert_eq!(
        (question.class, question.foreign, question.two_qubit),
        (0, false, 3)
    );
    assert_eq!(question.matrix.dim(), 4);
    assert_eq!(p.ops.len(), ops.len()); // nothing changed while a question is open
                                        // A cz on local (1, 0) replaces the block; blocks still open at the end close in the
                                        // order they were opened, after the measurement that passed them.
    p.decide(&question, Some(vec![(4, vec![1, 0])]));
    assert_eq!(p.consolidate(), Ok(()));
    assert_eq!(kinds_of(&p), [7, 4, 0, 1]);
    assert_eq!(p.ops[1].qubits, [1, 0]);
    assert_eq!(p.ops[1].origin, None);
    assert_eq!(p.ops[2].origin, Some(6));
}

#[test]
fn a_kept_block_takes_the_loose_gates_of_its_first_qubit_first() {
    // rz(1) h(0) cx(0,1) cx(0,1): the block holds h(0), then rz(1), then the two cx.
    let mut p = program(&[(2, &[1]), (0, &[0]), (1, &[0, 1]), (1, &[0, 1])]);
    p.classify((0, 1), 0);
    let Err(Missing::Blocks(questions)) = p.consolidate() else {
        panic!("expected a block question");
    };
    p.decide(&questions[0], None);
    assert_eq!(p.consolidate(), Ok(()));
    let origins: Vec<_> = p.ops.iter().map(|o| o.origin).collect();
    assert_eq!(origins, [Some(1), Some(0), Some(2), Some(3)]);
}
