//! Every basis reproduces random and special unitaries up to phase, with the fewest gates
//! the Python code found; the native sets decide the bases as in Python.

use super::*;
use std::f64::consts::{FRAC_1_SQRT_2, PI};

type M = Matrix2;

fn c(re: f64, im: f64) -> C64 {
    C64::new(re, im)
}

fn cis(angle: f64) -> C64 {
    c(angle.cos(), angle.sin())
}

fn matmul(a: &M, b: &M) -> M {
    let mut out = [[C64::default(); 2]; 2];
    for (i, row) in out.iter_mut().enumerate() {
        for (j, entry) in row.iter_mut().enumerate() {
            *entry = a[i][0] * b[0][j] + a[i][1] * b[1][j];
        }
    }
    out
}

/// The library's matrix of a gate (`qloom.gates`).
fn gate_matrix(g: &Gate1q) -> M {
    let p = g.params();
    let half = |t: f64| ((t / 2.0).cos(), (t / 2.0).sin());
    let minus_i = c(0.0, -1.0);
    match g.name {
        "rz" => [
            [cis(-p[0] / 2.0), c(0.0, 0.0)],
            [c(0.0, 0.0), cis(p[0] / 2.0)],
        ],
        "p" | "u1" => [[c(1.0, 0.0), c(0.0, 0.0)], [c(0.0, 0.0), cis(p[0])]],
        "rx" => {
            let (co, s) = half(p[0]);
            [[c(co, 0.0), c(0.0, -s)], [c(0.0, -s), c(co, 0.0)]]
        }
        "ry" => {
            let (co, s) = half(p[0]);
            [[c(co, 0.0), c(-s, 0.0)], [c(s, 0.0), c(co, 0.0)]]
        }
        "x" => [[c(0.0, 0.0), c(1.0, 0.0)], [c(1.0, 0.0), c(0.0, 0.0)]],
        "sx" => [[c(0.5, 0.5), c(0.5, -0.5)], [c(0.5, -0.5), c(0.5, 0.5)]],
        "sxdg" => [[c(0.5, -0.5), c(0.5, 0.5)], [c(0.5, 0.5), c(0.5, -0.5)]],
        "u" | "u3" | "U" => {
            let (co, s) = half(p[0]);
            [
                [c(co, 0.0), cis(p[2]) * c(-s, 0.0)],
                [cis(p[1]) * c(s, 0.0), cis(p[1] + p[2]) * c(co, 0.0)],
            ]
        }
        "prx" | "gpi2" => {
            let (theta, phi) = if g.name == "prx" {
                (p[0], p[1])
            } else {
                (PI / 2.0, p[0])
            };
            let (co, s) = half(theta);
            [
                [c(co, 0.0), minus_i * cis(-phi) * c(s, 0.0)],
                [minus_i * cis(phi) * c(s, 0.0), c(co, 0.0)],
            ]
        }
        "gpi" => [[c(0.0, 0.0), cis(-p[0])], [cis(p[0]), c(0.0, 0.0)]],
        other => panic!("no matrix for {other}"),
    }
}

fn product(gates: &[Gate1q]) -> M {
    let mut out = [[c(1.0, 0.0), c(0.0, 0.0)], [c(0.0, 0.0), c(1.0, 0.0)]];
    for g in gates {
        out = matmul(&gate_matrix(g), &out);
    }
    out
}

/// `|tr(a^dagger b)| / 2`: 1 exactly when `a` and `b` are equal up to phase.
fn overlap(a: &M, b: &M) -> f64 {
    let mut tr = c(0.0, 0.0);
    for i in 0..2 {
        for k in 0..2 {
            tr = tr + C64::new(a[k][i].re, -a[k][i].im) * b[k][i];
        }
    }
    tr.abs() / 2.0
}

/// xorshift64*: a fixed, dependency-free stream of test angles.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn angle(&mut self) -> f64 {
        (2.0 * self.next() - 1.0) * PI
    }

    /// `e^{i g} u(theta, phi, lam)` with random angles: covers every unitary up to phase.
    fn unitary(&mut self) -> M {
        let g = Gate1q::new("u", &[self.angle(), self.angle(), self.angle()]);
        let phase = cis(self.angle());
        gate_matrix(&g).map(|row| row.map(|e| phase * e))
    }
}

fn basis_natives() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("ZSX", vec!["rz", "sx"]),
        ("ZSX", vec!["rz", "sx", "x"]),
        ("ZSX", vec!["p", "sx", "sxdg"]),
        ("U", vec!["u"]),
        ("U", vec!["u3"]),
        ("ZYZ", vec!["rz", "ry"]),
        ("ZXZ", vec!["u1", "rx"]),
        ("XYX", vec!["rx", "ry"]),
        ("PRX", vec!["prx"]),
        ("PRX", vec!["prx", "rz"]),
        ("GPI", vec!["gpi", "gpi2"]),
        ("GPI", vec!["gpi2", "rz"]),
        ("GPI", vec!["gpi", "gpi2", "rz"]),
    ]
}

fn special_unitaries() -> Vec<M> {
    let gate = |name: &'static str, params: &[f64]| gate_matrix(&Gate1q::new(name, params));
    let h = c(FRAC_1_SQRT_2, 0.0);
    let mut out = vec![
        gate("rz", &[0.0]),
        gate("x", &[]),
        gate("sx", &[]),
        gate("sxdg", &[]),
        [[h, h], [h, c(-FRAC_1_SQRT_2, 0.0)]],
        gate("ry", &[PI]),
        gate("rx", &[PI / 2.0]),
        gate("rz", &[PI]),
        gate("rz", &[-PI]),
        gate("p", &[PI / 4.0]),
        gate("gpi", &[0.3]),
        gate("gpi2", &[-2.0]),
        gate("prx", &[1.0, 2.0]),
        gate("rz", &[3.0 * ANGLE_TOL]),
        gate("rz", &[ANGLE_TOL / 3.0]),
        gate("rx", &[PI - ANGLE_TOL / 3.0]),
        gate("u", &[PI / 2.0 + ANGLE_TOL / 3.0, PI, -PI]),
    ];
    // a global phase changes nothing
    out.push(gate("sx", &[]).map(|row| row.map(|e| cis(2.5) * e)));
    out
}

#[test]
fn every_basis_reproduces_random_and_special_unitaries() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut cases: Vec<M> = (0..400).map(|_| rng.unitary()).collect();
    cases.extend(special_unitaries());
    for (basis, names) in basis_natives() {
        let natives = Natives::new(names.iter().copied());
        assert!(
            natives.bases().iter().any(|b| b.name() == basis),
            "{names:?}"
        );
        for m in &cases {
            let gates = synthesize_1q(m, &natives).unwrap();
            assert!(gates.iter().all(|g| names.contains(&g.name)), "{gates:?}");
            let got = overlap(&product(&gates), m);
            assert!((got - 1.0).abs() < 1e-9, "{names:?} {m:?}: {gates:?}");
            for g in gates.iter() {
                for &p in g.params() {
                    assert!(-PI < p && p <= PI, "{gates:?}");
                }
            }
        }
    }
}

#[test]
fn fewest_gates() {
    let zsx = Natives::new(["cz", "rz", "sx", "x"]);
    let one = |name: &'static str, params: &[f64], natives: &Natives| {
        synthesize_1q(&gate_matrix(&Gate1q::new(name, params)), natives).unwrap()
    };
    let rz = one("rz", &[0.3], &zsx);
    assert_eq!((rz.len(), rz[0].name), (1, "rz"));
    assert!((rz[0].params()[0] - 0.3).abs() < 1e-12);
    assert_eq!(one("x", &[], &zsx).len(), 1);
    assert_eq!(one("sx", &[], &zsx).len(), 1);
    assert_eq!(one("rz", &[0.0], &zsx).len(), 0);
    assert_eq!(one("gpi", &[0.4], &Natives::new(["gpi", "gpi2"])).len(), 1);
    assert_eq!(one("prx", &[0.4, 1.0], &Natives::new(["prx"])).len(), 1);
    assert_eq!(one("ry", &[0.4], &Natives::new(["ry", "rz"])).len(), 1);
    // Natives::all() picks sx, x and rz, else one u
    assert_eq!(one("sx", &[], &Natives::all())[0].name, "sx");
    assert_eq!(one("x", &[], &Natives::all())[0].name, "x");
    assert_eq!(one("ry", &[0.4], &Natives::all())[0].name, "u");
}

#[test]
fn hadamard_angles_are_exact() {
    // The Python code this replaced gave rz(pi/2) sx rz(pi/2) with these exact floats.
    let h = c(FRAC_1_SQRT_2, 0.0);
    let hadamard = [[h, h], [h, c(-FRAC_1_SQRT_2, 0.0)]];
    let gates = synthesize_1q(&hadamard, &Natives::new(["cz", "rz", "sx", "x"])).unwrap();
    let names: Vec<&str> = gates.iter().map(|g| g.name).collect();
    assert_eq!(names, ["rz", "sx", "rz"]);
    assert_eq!(gates[0].params(), [PI / 2.0]);
    assert_eq!(gates[2].params(), [PI / 2.0]);
}

#[test]
fn angles_wrap_to_minus_pi_exclusive() {
    let natives = Natives::new(["rz", "sx"]);
    // rz(-pi) and angles just above -pi come out as +pi
    for angle in [PI, -PI, 3.0 * PI, -PI + ANGLE_TOL / 4.0] {
        let m = gate_matrix(&Gate1q::new("rz", &[angle]));
        let gates = synthesize_1q(&m, &natives).unwrap();
        assert_eq!(gates.len(), 1);
        assert!(
            (gates[0].params()[0] - PI).abs() < 1e-12,
            "{angle}: {gates:?}"
        );
    }
}

#[test]
fn bases_follow_the_natives() {
    let names =
        |natives: Natives| -> Vec<&str> { natives.bases().iter().map(|b| b.name()).collect() };
    assert_eq!(names(Natives::new(["cx", "rz", "sx", "x"])), ["ZSX"]);
    assert_eq!(names(Natives::new(["cz", "prx"])), ["PRX"]);
    assert_eq!(names(Natives::new(["gpi", "gpi2", "ms"])), ["GPI"]);
    assert_eq!(names(Natives::new(["rzz", "u"])), ["U"]);
    assert_eq!(
        names(Natives::new(["rx", "ry", "rz", "cz"])),
        ["ZYZ", "ZXZ", "XYX", "XZX", "YXY", "YZY"]
    );
    assert_eq!(names(Natives::all()).len(), Basis::ALL.len());
    assert!(names(Natives::new(["cx", "h", "t"])).is_empty());
}

#[test]
fn errors_say_what_is_wrong() {
    let none = Natives::new(["h", "cx"]);
    let t = gate_matrix(&Gate1q::new("p", &[PI / 4.0]));
    let err = synthesize_1q(&t, &none).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the natives ['cx', 'h'] have no universal one-qubit basis \
         (need e.g. rz+sx, rz+ry, rz+rx, rx+ry, u, prx or gpi+gpi2)"
    );
    let identity = gate_matrix(&Gate1q::new("rz", &[0.0]));
    assert_eq!(synthesize_1q(&identity, &none).unwrap().len(), 0);
    let zero = [[c(0.0, 0.0); 2]; 2];
    assert_eq!(
        synthesize_1q(&zero, &Natives::all()),
        Err(SynthesisError::NotUnitary)
    );
    let nan = [[c(f64::NAN, 0.0), c(0.0, 0.0)], [c(0.0, 0.0), c(1.0, 0.0)]];
    assert_eq!(
        synthesize_1q(&nan, &Natives::all()),
        Err(SynthesisError::NotUnitary)
    );
}

#[test]
fn natives_are_shared_across_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Natives>();
    shareable::<Sequence>();
    let natives = Natives::new(["rz", "sx"]);
    let x = gate_matrix(&Gate1q::new("x", &[]));
    let lengths: Vec<usize> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|_| scope.spawn(|| synthesize_1q(&x, &natives).unwrap().len()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(lengths, [2, 2]); // x = sx sx
}
