// A 4-qubit ripple adder step (Cuccaro MAJ block) on basis states: 1 + 1 with carry-in 0.
OPENQASM 2.0;
include "qelib1.inc";
gate majority a, b, c
{
  cx c, b;
  cx c, a;
  ccx a, b, c;
}
qreg cin[1];
qreg a[1];
qreg b[1];
qreg cout[1];
creg sum[4];
x a[0];
x b[0];
majority cin[0], b[0], a[0];
cx a[0], cout[0];
measure cin[0] -> sum[0];
measure a[0] -> sum[1];
measure b[0] -> sum[2];
measure cout[0] -> sum[3];
