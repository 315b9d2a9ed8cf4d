//go:build !purego

// The amd64 kernels: the same sums as the Go twins in product.go and
// elementwise.go, eight (AVX-512) or four (AVX2) output columns per
// instruction. docs/performance.md explains the idea; kernels_amd64.go
// calls these.

#include "textflag.h"

// A product C = A·B is computed in blocks of 6 rows × 32 columns (AVX-512:
// 24 registers of 8 sums), 8 rows × 16 columns for narrow outputs (AVX-512:
// 16 registers), or 6 rows × 8 columns (AVX2: 12 registers of 4). For each
// p = 0, 1, …, k−1 in turn, the block loads row p of B once and, for each of
// its rows i, multiplies A(i,p) with it and adds the products to the row's
// sums: each sum is built in the same order as the portable kernel builds
// it, with a separate multiply and add (no fused multiply-add), so the
// results are equal bit for bit. A(i,p) is read at a + i·sai + p·sak, which
// serves both a·b (sai = row length, sak = 1) and aᵀ·b (sai = 1, sak = row
// length). The last rows of C, fewer than a block, have loops of their own
// (5, 4, … rows), so that no loop tests how many rows it has.

// MADD adds b·A(i,p) to acc, rounding the product first, as Go code does on
// amd64. The multiply reads A(i,p) from addr and broadcasts it to all eight
// lanes itself ({1to8}): a separate broadcast instruction would take a slot
// on the floating-point units, which the multiplies and adds need.
#define MADD(addr, b, t, acc) \
	VMULPD.BCST addr, b, t; \
	VADDPD      t, acc, acc

// ROW512 is one row of a 32-wide block for one p: B's row is in Z24–Z27.
#define ROW512(addr, c0, c1, c2, c3) \
	MADD(addr, Z24, Z28, c0); \
	MADD(addr, Z25, Z29, c1); \
	MADD(addr, Z26, Z30, c2); \
	MADD(addr, Z27, Z31, c3)

// LOADB512 loads row p of B (32 columns at R13); masked lanes read as 0.
//
// When bit 32 of masks is set, the loops over p of gemmAVX512, gemm16AVX512
// and gemmRowsAVX512 also ask for row p+8 of B (PREFETCHT0, 8 rows of B
// ahead in R15, or in BX for gemmRowsAVX512; 0 when the bit is clear, so
// that the hint asks for the row already loaded): the rows of a wide B lie
// on different pages, which the CPU's own prefetcher does not cross, and a
// row that must come from the shared cache or memory stalls the loop.
#define LOADB512 \
	VMOVUPD.Z (R13), K1, Z24; \
	VMOVUPD.Z 64(R13), K2, Z25; \
	VMOVUPD.Z 128(R13), K3, Z26; \
	VMOVUPD.Z 192(R13), K4, Z27

// BIAS512 adds the bias row (Z24–Z27) to a row's sums, after the sum over p.
#define BIAS512(c0, c1, c2, c3) \
	VADDPD Z24, c0, c0; \
	VADDPD Z25, c1, c1; \
	VADDPD Z26, c2, c2; \
	VADDPD Z27, c3, c3

// STORE512 writes a row's sums to R13 (masked lanes are not written) and
// moves R13 to the next row of C.
#define STORE512(c0, c1, c2, c3) \
	VMOVUPD c0, K1, (R13); \
	VMOVUPD c1, K2, 64(R13); \
	VMOVUPD c2, K3, 128(R13); \
	VMOVUPD c3, K4, 192(R13); \
	ADDQ    R8, R13

// COLMASKS sets K1–K4 from the low 32 bits of AX, as the kernels take their
// masks argument: byte q of AX to Kq+1, the lanes of columns 8q … 8q+7 of a
// 32-wide block that exist.
#define COLMASKS \
	KMOVW AX, K1; \
	SHRQ  $8, AX; \
	KMOVW AX, K2; \
	SHRQ  $8, AX; \
	KMOVW AX, K3; \
	SHRQ  $8, AX; \
	KMOVW AX, K4

// TAILMASK8 sets K1 to the lowest CX bits (CX from 1 to 7): the lanes of
// the last, partial vector of an element-wise loop (Adam, ReLU, its
// gradient, batch normalisation).
#define TAILMASK8 \
	MOVQ  $1, AX; \
	SHLQ  CX, AX; \
	DECQ  AX; \
	KMOVW AX, K1

// VECSTART begins an element-wise loop over CX elements (Adam, batch
// normalisation): BX, the byte offset, at 0, all eight lanes in K1, and a
// jump to done when there are none.
#define VECSTART(done) \
	XORQ  BX, BX; \
	MOVQ  $0xff, AX; \
	KMOVW AX, K1; \
	TESTQ CX, CX; \
	JLE   done

#define ZERO4(c0, c1, c2, c3) \
	VPXORQ c0, c0, c0; \
	VPXORQ c1, c1, c1; \
	VPXORQ c2, c2, c2; \
	VPXORQ c3, c3, c3

// The same for a 16-wide block: B's row in Z24 and Z25, masks K1 and K2.
#define ROW16(addr, c0, c1) \
	MADD(addr, Z24, Z28, c0); \
	MADD(addr, Z25, Z29, c1)

#define LOADB16 \
	VMOVUPD.Z (R13), K1, Z24; \
	VMOVUPD.Z 64(R13), K2, Z25

#define BIAS16(c0, c1) \
	VADDPD Z24, c0, c0; \
	VADDPD Z25, c1, c1

#define STORE16(c0, c1) \
	VMOVUPD c0, K1, (R13); \
	VMOVUPD c1, K2, 64(R13); \
	ADDQ    R8, R13

#define ZERO2Z(c0, c1) \
	VPXORQ c0, c0, c0; \
	VPXORQ c1, c1, c1

// func gemmAVX512(c *float64, ldc int, a *float64, sai, sak int, b *float64, ldb int, bias *float64, n, k, masks int)
//
// Sets C(i,j) = Σ_p A(i,p)·B(p,j) (+ bias[j]) for i < n and 32 columns j,
// of which masks selects the ones that exist: byte q of masks has a bit set
// for each existing column among 8q … 8q+7. Strides are in elements.
//
// Registers: DI C block, R8 C row stride, SI A block, R9 A row step (sai),
// R10 A step over p (sak), BX B, R11 B row stride, CX rows left; in the
// loop over p: AX and DX point at A(i,p) for rows 0 and 3 of the block, R13
// at row p of B, R14 counts down p. Z0–Z23 hold the sums, Z24–Z27 B's row,
// Z28–Z31 the products.
TEXT ·gemmAVX512(SB), NOSPLIT, $0-88
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), R8
	SHLQ $3, R8
	MOVQ a+16(FP), SI
	MOVQ sai+24(FP), R9
	SHLQ $3, R9
	MOVQ sak+32(FP), R10
	SHLQ $3, R10
	MOVQ b+40(FP), BX
	MOVQ ldb+48(FP), R11
	SHLQ $3, R11
	MOVQ n+64(FP), CX
	MOVQ  R11, R15
	SHLQ  $3, R15
	XORQ  AX, AX
	BTQ   $32, masks+80(FP)
	CMOVQCC AX, R15
	MOVQ masks+80(FP), AX
	COLMASKS

gblocks:
	CMPQ CX, $6
	JLT  gtail
g6:
	ZERO4(Z0, Z1, Z2, Z3)
	ZERO4(Z4, Z5, Z6, Z7)
	ZERO4(Z8, Z9, Z10, Z11)
	ZERO4(Z12, Z13, Z14, Z15)
	ZERO4(Z16, Z17, Z18, Z19)
	ZERO4(Z20, Z21, Z22, Z23)
	MOVQ  SI, AX
	LEAQ  (SI)(R9*2), DX
	ADDQ  R9, DX
	MOVQ  BX, R13
	MOVQ  k+72(FP), R14
	TESTQ R14, R14
	JZ    g6bias

g6loop:
	LOADB512
	PREFETCHT0 (R13)(R15*1)
	PREFETCHT0 64(R13)(R15*1)
	PREFETCHT0 128(R13)(R15*1)
	PREFETCHT0 192(R13)(R15*1)
	ROW512((AX), Z0, Z1, Z2, Z3)
	ROW512((AX)(R9*1), Z4, Z5, Z6, Z7)
	ROW512((AX)(R9*2), Z8, Z9, Z10, Z11)
	ROW512((DX), Z12, Z13, Z14, Z15)
	ROW512((DX)(R9*1), Z16, Z17, Z18, Z19)
	ROW512((DX)(R9*2), Z20, Z21, Z22, Z23)
	ADDQ R10, AX
	ADDQ R10, DX
	ADDQ R11, R13
	DECQ R14
	JNZ  g6loop

g6bias:
	MOVQ  bias+56(FP), R14
	TESTQ R14, R14
	JZ    g6store
	MOVQ  R14, R13
	LOADB512
	BIAS512(Z0, Z1, Z2, Z3)
	BIAS512(Z4, Z5, Z6, Z7)
	BIAS512(Z8, Z9, Z10, Z11)
	BIAS512(Z12, Z13, Z14, Z15)
	BIAS512(Z16, Z17, Z18, Z19)
	BIAS512(Z20, Z21, Z22, Z23)

g6store:
	MOVQ DI, R13
	STORE512(Z0, Z1, Z2, Z3)
	STORE512(Z4, Z5, Z6, Z7)
	STORE512(Z8, Z9, Z10, Z11)
	STORE512(Z12, Z13, Z14, Z15)
	STORE512(Z16, Z17, Z18, Z19)
	STORE512(Z20, Z21, Z22, Z23)
	MOVQ R13, DI
	LEAQ (SI)(R9*4), SI
	LEAQ (SI)(R9*2), SI
	SUBQ $6, CX
	JMP  gblocks

	// The last 1 to 5 rows.
gtail:
	CMPQ CX, $5
	JEQ  g5
	CMPQ CX, $4
	JEQ  g4
	CMPQ CX, $3
	JEQ  g3
	CMPQ CX, $2
	JEQ  g2
	CMPQ CX, $1
	JEQ  g1
	JMP  gret

g5:
	ZERO4(Z0, Z1, Z2, Z3)
	ZERO4(Z4, Z5, Z6, Z7)
	ZERO4(Z8, Z9, Z10, Z11)
	ZERO4(Z12, Z13, Z14, Z15)
	ZERO4(Z16, Z17, Z18, Z19)
	MOVQ  SI, AX
	LEAQ  (SI)(R9*2), DX
	ADDQ  R9, DX
	MOVQ  BX, R13
	MOVQ  k+72(FP), R14
	TESTQ R14, R14
	JZ    g5bias

g5loop:
	LOADB512
	PREFETCHT0 (R13)(R15*1)
	PREFETCHT0 64(R13)(R15*1)
	PREFETCHT0 128(R13)(R15*1)
	PREFETCHT0 192(R13)(R15*1)
	ROW512((AX), Z0, Z1, Z2, Z3)
	ROW512((AX)(R9*1), Z4, Z5, Z6, Z7)
	ROW512((AX)(R9*2), Z8, Z9, Z10, Z11)
	ROW512((DX), Z12, Z13, Z14, Z15)
	ROW512((DX)(R9*1), Z16, Z17, Z18, Z19)
	ADDQ R10, AX
	ADDQ R10, DX
	ADDQ R11, R13
	DECQ R14
	JNZ  g5loop

g5bias:
	MOVQ  bias+56(FP), R14
	TESTQ R14, R14
	JZ    g5store
	MOVQ  R14, R13
	LOADB512
	BIAS512(Z0, Z1, Z2, Z3)
	BIAS512(Z4, Z5, Z6, Z7)
	BIAS512(Z8, Z9, Z10, Z11)
	BIAS512(Z12, Z13, Z14, Z15)
	BIAS512(Z16, Z17, Z18, Z19)

g5store:
	MOVQ DI, R13
	STORE512(Z0, Z1, Z2, Z3)
	STORE512(Z4, Z5, Z6, Z7)
	STORE512(Z8, Z9, Z10, Z11)
	STORE512(Z12, Z13, Z14, Z15)
	STORE512(Z16, Z17, Z18, Z19)
	JMP  gret

g4:
	ZERO4(Z0, Z1, Z2, Z3)
	ZERO4(Z4, Z5, Z6, Z7)
	ZERO4(Z8, Z9, Z10, Z11)
	ZERO4(Z12, Z13, Z14, Z15)
	MOVQ  SI, AX
	LEAQ  (SI)(R9*2), DX
	ADDQ  R9, DX
	MOVQ  BX, R13
	MOVQ  k+72(FP), R14
	TESTQ R14, R14
	JZ    g4bias

g4loop:
	LOADB512
	PREFETCHT0 (R13)(R15*1)
	PREFETCHT0 64(R13)(R15*1)
	PREFETCHT0 128(R13)(R15*1)
	PREFETCHT0 192(R13)(R15*1)
	ROW512((AX), Z0, Z1, Z2, Z3)
	ROW512((AX)(R9*1), Z4, Z5, Z6, Z7)
	ROW512((AX)(R9*2), Z8, Z9, Z10, Z11)
	ROW512((DX), Z12, Z13, Z14, Z15)
	ADDQ R10, AX
	ADDQ R10, DX
	ADDQ R11, R13
	DECQ R14
	JNZ  g4loop

g4bias:
	MOVQ  bias+56(FP), R14
	TESTQ R14, R14
	JZ    g4store
	MOVQ  R14, R13
	LOADB512
	BIAS512(Z0, Z1, Z2, Z3)
	BIAS512(Z4, Z5, Z6, Z7)
	BIAS512(Z8, Z9, Z10, Z11)
	BIAS512(Z12, Z13, Z14, Z15)

g4store:
	MOVQ DI, R13
	STORE512(Z0, Z1, Z2, Z3)
	STORE512(Z4, Z5, Z6, Z7)
	STORE512(Z8, Z9, Z10, Z11)
	STORE512(Z12, Z13, Z14, Z15)
	JMP  gret

g3:
	ZERO4(Z0, Z1, Z2, Z3)
	ZERO4(Z4, Z5, Z6, Z7)
	ZERO4(Z8, Z9, Z10, Z11)
	MOVQ  SI, AX
	MOVQ  BX, R13
	MOVQ  k+72(FP), R14
	TESTQ R14, R14
	JZ    g3bias

g3loop:
	LOADB512
	PREFETCHT0 (R13)(R15*1)
	PREFETCHT0 64(R13)(R15*1)
	PREFETCHT0 128(R13)(R15*1)
	PREFETCHT0 192(R13)(R15*1)
	ROW512((AX), Z0, Z1, Z2, Z3)
	ROW512((AX)(R9*1), Z4, Z5, Z6, Z7)
	ROW512((AX)(R9*2), Z8, Z9, Z10, Z11)
	ADDQ R10, AX
	ADDQ R11, R13
	DECQ R14
	JNZ  g3loop

g3bias:
	MOVQ  bias+56(FP), R14
	TESTQ R14, R14
	JZ    g3store
	MOVQ  R14, R13
	LOADB512
	BIAS512(Z0, Z1, Z2, Z3)
	BIAS512(Z4, Z5, Z6, Z7)
	BIAS512(Z8, Z9, Z10, Z11)

g3store:
	MOVQ DI, R13
	STORE512(Z0, Z1, Z2, Z3)
	STORE512(Z4, Z5, Z6, Z7)
	STORE512(Z8, Z9, Z10, Z11)
	JMP  gret

g2:
	ZERO4(Z0, Z1, Z2, Z3)
	ZERO4(Z4, Z5, Z6, Z7)
	MOVQ  SI, AX
	MOVQ  BX, R13
	MOVQ  k+72(FP), R14
	TESTQ R14, R14
	JZ    g2bias

g2loop:
	LOADB512
	PREFETCHT0 (R13)(R15*1)
	PREFETCHT0 64(R13)(R15*1)
	PREFETCHT0 128(R13)(R15*1)
	PREFETCHT0 192(R13)(R15*1)
	ROW512((AX), Z0, Z1, Z2, Z3)
	ROW512((AX)(R9*1), Z4, Z5, Z6, Z7)
	ADDQ R10, AX
	ADDQ R11, R13
	DECQ R14
	JNZ  g2loop

g2bias:
	MOVQ  bias+56(FP), R14
	TESTQ R14, R14
	JZ    g2store
	MOVQ  R14, R13
	LOADB512
	BIAS512(Z0, Z1, Z2, Z3)
	BIAS512(Z4, Z5, Z6, Z7)

g2store:
	MOVQ DI, R13
	STORE512(Z0, Z1, Z2, Z3)
	STORE512(Z4, Z5, Z6, Z7)
	JMP  gret

g1:
	ZERO4(Z0, Z1, Z2, Z3)
	MOVQ  SI, AX
	MOVQ  BX, R13
	MOVQ  k+72(FP), R14
	TESTQ R14, R14
	JZ    g1bias

g1loop:
	LOADB512
	PREFETCHT0 (R13)(R15*1)
	PREFETCHT0 64(R13)(R15*1)
	PREFETCHT0 128(R13)(R15*1)
	PREFETCHT0 192(R13)(R15*1)
	ROW512((AX), Z0, Z1, Z2, Z3)
	ADDQ R10, AX
	ADDQ R11, R13
	DECQ R14
	JNZ  g1loop

g1bias:
	MOVQ  bias+56(FP), R14
	TESTQ R14, R14
	JZ    g1store
	MOVQ  R14, R13
	LOADB512
	BIAS512(Z0, Z1, Z2, Z3)

g1store:
	MOVQ DI, R13
	STORE512(Z0, Z1, Z2, Z3)
	JMP  gret

gret:
	VZEROUPPER
	RET

// func gemm16AVX512(c *float64, ldc int, a *float64, sai, sak int, b *float64, ldb int, bias *float64, n, k, masks int)
//
// gemmAVX512 for a block of at most 16 columns (masks: bits 0–15), 8 rows at
// a time: a narrow output (10 classes) would leave most of a 32-wide block's
// lanes idle. Registers as in gemmAVX512, and R12 = 3·sai, so that DX and
// R12 reach rows 3–7; Z0–Z15 hold the sums, Z24–Z25 B's row.
TEXT ·gemm16AVX512(SB), NOSPLIT, $0-88
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), R8
	SHLQ $3, R8
	MOVQ a+16(FP), SI
	MOVQ sai+24(FP), R9
	SHLQ $3, R9
	MOVQ sak+32(FP), R10
	SHLQ $3, R10
	MOVQ b+40(FP), BX
	MOVQ ldb+48(FP), R11
	SHLQ $3, R11
	MOVQ n+64(FP), CX
	MOVQ  R11, R15
	SHLQ  $3, R15
	XORQ  AX, AX
	BTQ   $32, masks+80(FP)
	CMOVQCC AX, R15
	MOVQ masks+80(FP), AX
	KMOVW AX, K1
	SHRQ  $8, AX
	KMOVW AX, K2
	LEAQ  (R9)(R9*2), R12

hblocks:
	CMPQ CX, $8
	JLT  htail
h8:
	ZERO2Z(Z0, Z1)
	ZERO2Z(Z2, Z3)
	ZERO2Z(Z4, Z5)
	ZERO2Z(Z6, Z7)
	ZERO2Z(Z8, Z9)
	ZERO2Z(Z10, Z11)
	ZERO2Z(Z12, Z13)
	ZERO2Z(Z14, Z15)
	MOVQ  SI, AX
	LEAQ  (SI)(R9*2), DX
	ADDQ  R9, DX
	MOVQ  BX, R13
	MOVQ  k+72(FP), R14
	TESTQ R14, R14
	JZ    h8bias

h8loop:
	LOADB16
	PREFETCHT0 (R13)(R15*1)
	PREFETCHT0 64(R13)(R15*1)
	ROW16((AX), Z0, Z1)
	ROW16((AX)(R9*1), Z2, Z3)
	ROW16((AX)(R9*2), Z4, Z5)
	ROW16((DX), Z6, Z7)
	ROW16((DX)(R9*1), Z8, Z9)
	ROW16((DX)(R9*2), Z10, Z11)
	ROW16((DX)(R12*1), Z12, Z13)
	ROW16((DX)(R9*4), Z14, Z15)
	ADDQ R10, AX
	ADDQ R10, DX
	ADDQ R11, R13
	DECQ R14
	JNZ  h8loop

h8bias:
	MOVQ  bias+56(FP), R14
	TESTQ R14, R14
	JZ    h8store
	MOVQ  R14, R13
	LOADB16
	BIAS16(Z0, Z1)
	BIAS16(Z2, Z3)
	BIAS16(Z4, Z5)
	BIAS16(Z6, Z7)
	BIAS16(Z8, Z9)
	BIAS16(Z10, Z11)
	BIAS16(Z12, Z13)
	BIAS16(Z14, Z15)

h8store:
	MOVQ DI, R13
	STORE16(Z0, Z1)
	STORE16(Z2, Z3)
	STORE16(Z4, Z5)
	STORE16(Z6, Z7)
	STORE16(Z8, Z9)
	STORE16(Z10, Z11)
	STORE16(Z12, Z13)
	STORE16(Z14, Z15)
	MOVQ R13, DI
	LEAQ (SI)(R9*8), SI
	SUBQ $8, CX
	JMP  hblocks

	// The last 1 to 7 rows.
htail:
	CMPQ CX, $7
	JEQ  h7
	CMPQ CX, $6
	JEQ  h6
	CMPQ CX, $5
	JEQ  h5
	CMPQ CX, $4
	JEQ  h4
	CMPQ CX, $3
	JEQ  h3
	CMPQ CX, $2
	JEQ  h2
	CMPQ CX, $1
	JEQ  h1
	JMP  hret

h7:
	ZERO2Z(Z0, Z1)
	ZERO2Z(Z2, Z3)
	ZERO2Z(Z4, Z5)
	ZERO2Z(Z6, Z7)
	ZERO2Z(Z8, Z9)
	ZERO2Z(Z10, Z11)
	ZERO2Z(Z12, Z13)
	MOVQ  SI, AX
	LEAQ  (SI)(R9*2), DX
	ADDQ  R9, DX
	MOVQ  BX, R13
	MOVQ  k+72(FP), R14
	TESTQ R14, R14
	JZ    h7bias

h7loop:
	LOADB16
	PREFETCHT0 (R13)(R15*1)
	PREFETCHT0 64(R13)(R15*1)
	ROW16((AX), Z0, Z1)
	ROW16((AX)(R9*1), Z2, Z3)
	ROW16((AX)(R9*2), Z4, Z5)
	ROW16((DX), Z6, Z7)
	ROW16((DX)(R9*1), Z8, Z9)
	ROW16((DX)(R9*2), Z10, Z11)
	ROW16((DX)(R12*1), Z12, Z13)
	ADDQ R10, AX
	ADDQ R10, DX
	ADDQ R11, R13
	DECQ R14
	JNZ  h7loop

h7bias:
	MOVQ  bias+56(FP), R14
	TESTQ R14, R14
	JZ    h7store
	MOVQ  R14, R13
	LOADB16
	BIAS16(Z0, Z1)
	BIAS16(Z2, Z3)
	BIAS16(Z4, Z5)
	BIAS16(Z6, Z7)
	BIAS16(Z8, Z9)
	BIAS16(Z10, Z11)
	BIAS16(Z12, Z13)

h7store:
	MOVQ DI, R13
	STORE16(Z0, Z1)
	STORE16(Z2, Z3)
	STORE16(Z4, Z5)
	STORE16(Z6, Z7)
	STORE16(Z8, Z9)
	STORE16(Z10, Z11)
	STORE16(Z12, Z13)
	JMP  hret

h6:
	ZERO2Z(Z0, Z1)
	ZERO2Z(Z2, Z3)
	ZERO2Z(Z4, Z5)
	ZERO2Z(Z6, Z7)
	ZERO2Z(Z8, Z9)
	ZERO2Z(Z10, Z11)
	MOVQ  SI, AX
	LEAQ  (SI)(R9*2), DX
	ADDQ  R9, DX
	MOVQ  BX, R13
	MOVQ  k+72(FP), R14
	TESTQ R14, R14
	JZ    h6bias

h6loop:
	LOADB16
	PREFETCHT0 (R13)(R15*1)
	PREFETCHT0 64(R13)(R15*1)
	ROW16((AX), Z0, Z1)
	ROW16((AX)(R9*1), Z2, Z3)
	ROW16((AX)(R9*2), Z4, Z5)
	ROW16((DX), Z6, Z7)
	ROW16((DX)(R9*1), Z8, Z9)
	ROW16((DX)(R9*2), Z10, Z11)
	ADDQ R10, AX
	ADDQ R10, DX
	ADDQ R11, R13
	DECQ R14
	JNZ  h6loop

h6bias:
	MOVQ  bias+56(FP), R14
	TESTQ R14, R14
	JZ    h6store
	MOVQ  R14, R13
	LOADB16
	BIAS16(Z0, Z1)
	BIAS16(Z2, Z3)
	BIAS16(Z4, Z5)
	BIAS16(Z6, Z7)
	BIAS16(Z8, Z9)
	BIAS16(Z10, Z11)

h6store:
	MOVQ DI, R13
	STORE16(Z0, Z1)
	STORE16(Z2, Z3)
	STORE16(Z4, Z5)
	STORE16(Z6, Z7)
	STORE16(Z8, Z9)
	STORE16(Z10, Z11)
	JMP  hret

h5:
	ZERO2Z(Z0, Z1)
	ZERO2Z(Z2, Z3)
	ZERO2Z(Z4, Z5)
	ZERO2Z(Z6, Z7)
	ZERO2Z(Z8, Z9)
	MOVQ  SI, AX
	LEAQ  (SI)(R9*2), DX
	ADDQ  R9, DX
	MOVQ  BX, R13
	MOVQ  k+72(FP), R14
	TESTQ R14, R14
	JZ    h5bias

h5loop:
	LOADB16
	PREFETCHT0 (R13)(R15*1)
	PREFETCHT0 64(R13)(R15*1)
	ROW16((AX), Z0, Z1)
	ROW16((AX)(R9*1), Z2, Z3)
	ROW16((AX)(R9*2), Z4, Z5)
	ROW16((DX), Z6, Z7)
	ROW16((DX)(R9*1), Z8, Z9)
	ADDQ R10, AX
	ADDQ R10, DX
	ADDQ R11, R13
	DECQ R14
	JNZ  h5loop

h5bias:
	MOVQ  bias+56(FP), R14
	TESTQ R14, R14
	JZ    h5store
	MOVQ  R14, R13
	LOADB16
	BIAS16(Z0, Z1)
	BIAS16(Z2, Z3)
	BIAS16(Z4, Z5)
	BIAS16(Z6, Z7)
	BIAS16(Z8, Z9)

h5store:
	MOVQ DI, R13
	STORE16(Z0, Z1)
	STORE16(Z2, Z3)
	STORE16(Z4, Z5)
	STORE16(Z6, Z7)
	STORE16(Z8, Z9)
	JMP  hret

h4:
	ZERO2Z(Z0, Z1)
	ZERO2Z(Z2, Z3)
	ZERO2Z(Z4, Z5)
	ZERO2Z(Z6, Z7)
	MOVQ  SI, AX
	LEAQ  (SI)(R9*2), DX
	ADDQ  R9, DX
	MOVQ  BX, R13
	MOVQ  k+72(FP), R14
	TESTQ R14, R14
	JZ    h4bias

h4loop:
	LOADB16
	PREFETCHT0 (R13)(R15*1)
	PREFETCHT0 64(R13)(R15*1)
	ROW16((AX), Z0, Z1)
	ROW16((AX)(R9*1), Z2, Z3)
	ROW16((AX)(R9*2), Z4, Z5)
	ROW16((DX), Z6, Z7)
	ADDQ R10, AX
	ADDQ R10, DX
	ADDQ R11, R13
	DECQ R14
	JNZ  h4loop

h4bias:
	MOVQ  bias+56(FP), R14
	TESTQ R14, R14
	JZ    h4store
	MOVQ  R14, R13
	LOADB16
	BIAS16(Z0, Z1)
	BIAS16(Z2, Z3)
	BIAS16(Z4, Z5)
	BIAS16(Z6, Z7)

h4store:
	MOVQ DI, R13
	STORE16(Z0, Z1)
	STORE16(Z2, Z3)
	STORE16(Z4, Z5)
	STORE16(Z6, Z7)
	JMP  hret

h3:
	ZERO2Z(Z0, Z1)
	ZERO2Z(Z2, Z3)
	ZERO2Z(Z4, Z5)
	MOVQ  SI, AX
	MOVQ  BX, R13
	MOVQ  k+72(FP), R14
	TESTQ R14, R14
	JZ    h3bias

h3loop:
	LOADB16
	PREFETCHT0 (R13)(R15*1)
	PREFETCHT0 64(R13)(R15*1)
	ROW16((AX), Z0, Z1)
	ROW16((AX)(R9*1), Z2, Z3)
	ROW16((AX)(R9*2), Z4, Z5)
	ADDQ R10, AX
	ADDQ R11, R13
	DECQ R14
	JNZ  h3loop

h3bias:
	MOVQ  bias+56(FP), R14
	TESTQ R14, R14
	JZ    h3store
	MOVQ  R14, R13
	LOADB16
	BIAS16(Z0, Z1)
	BIAS16(Z2, Z3)
	BIAS16(Z4, Z5)

h3store:
	MOVQ DI, R13
	STORE16(Z0, Z1)
	STORE16(Z2, Z3)
	STORE16(Z4, Z5)
	JMP  hret

h2:
	ZERO2Z(Z0, Z1)
	ZERO2Z(Z2, Z3)
	MOVQ  SI, AX
	MOVQ  BX, R13
	MOVQ  k+72(FP), R14
	TESTQ R14, R14
	JZ    h2bias

h2loop:
	LOADB16
	PREFETCHT0 (R13)(R15*1)
	PREFETCHT0 64(R13)(R15*1)
	ROW16((AX), Z0, Z1)
	ROW16((AX)(R9*1), Z2, Z3)
	ADDQ R10, AX
	ADDQ R11, R13
	DECQ R14
	JNZ  h2loop

h2bias:
	MOVQ  bias+56(FP), R14
	TESTQ R14, R14
	JZ    h2store
	MOVQ  R14, R13
	LOADB16
	BIAS16(Z0, Z1)
	BIAS16(Z2, Z3)

h2store:
	MOVQ DI, R13
	STORE16(Z0, Z1)
	STORE16(Z2, Z3)
	JMP  hret

h1:
	ZERO2Z(Z0, Z1)
	MOVQ  SI, AX
	MOVQ  BX, R13
	MOVQ  k+72(FP), R14
	TESTQ R14, R14
	JZ    h1bias

h1loop:
	LOADB16
	PREFETCHT0 (R13)(R15*1)
	PREFETCHT0 64(R13)(R15*1)
	ROW16((AX), Z0, Z1)
	ADDQ R10, AX
	ADDQ R11, R13
	DECQ R14
	JNZ  h1loop

h1bias:
	MOVQ  bias+56(FP), R14
	TESTQ R14, R14
	JZ    h1store
	MOVQ  R14, R13
	LOADB16
	BIAS16(Z0, Z1)

h1store:
	MOVQ DI, R13
	STORE16(Z0, Z1)
	JMP  hret

hret:
	VZEROUPPER
	RET

// func gemmRowsAVX512(c *float64, ldc int, rows *[]float64, b *float64, ldb int, bias *float64, n, k, masks int)
//
// gemmAVX512 for an A whose rows are separate slices: row i of A is rows[i]
// (a Go slice header, its data pointer first), as the rows of a batch that
// are the dataset's own rows. Registers: SI the headers of the block's rows,
// AX, DX, R9, R10, R12 and R15 its rows' data, each pointing k elements on,
// and R14 = −8·(k − p), which counts up to 0.
TEXT ·gemmRowsAVX512(SB), NOSPLIT, $0-72
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), R8
	SHLQ $3, R8
	MOVQ rows+16(FP), SI
	MOVQ ldb+32(FP), R11
	SHLQ $3, R11
	MOVQ n+48(FP), CX
	MOVQ  R11, BX
	SHLQ  $3, BX
	XORQ  AX, AX
	BTQ   $32, masks+64(FP)
	CMOVQCC AX, BX
	MOVQ masks+64(FP), AX
	COLMASKS

wblocks:
	CMPQ CX, $6
	JLT  wtail
w6:
	ZERO4(Z0, Z1, Z2, Z3)
	ZERO4(Z4, Z5, Z6, Z7)
	ZERO4(Z8, Z9, Z10, Z11)
	ZERO4(Z12, Z13, Z14, Z15)
	ZERO4(Z16, Z17, Z18, Z19)
	ZERO4(Z20, Z21, Z22, Z23)
	MOVQ  b+24(FP), R13
	MOVQ  k+56(FP), R14
	MOVQ  0(SI), AX
	MOVQ  24(SI), DX
	MOVQ  48(SI), R9
	MOVQ  72(SI), R10
	MOVQ  96(SI), R12
	MOVQ  120(SI), R15
	SHLQ  $3, R14
	ADDQ  R14, AX
	ADDQ  R14, DX
	ADDQ  R14, R9
	ADDQ  R14, R10
	ADDQ  R14, R12
	ADDQ  R14, R15
	NEGQ  R14
	JZ    w6bias

w6loop:
	LOADB512
	PREFETCHT0 (R13)(BX*1)
	PREFETCHT0 64(R13)(BX*1)
	PREFETCHT0 128(R13)(BX*1)
	PREFETCHT0 192(R13)(BX*1)
	ROW512((AX)(R14*1), Z0, Z1, Z2, Z3)
	ROW512((DX)(R14*1), Z4, Z5, Z6, Z7)
	ROW512((R9)(R14*1), Z8, Z9, Z10, Z11)
	ROW512((R10)(R14*1), Z12, Z13, Z14, Z15)
	ROW512((R12)(R14*1), Z16, Z17, Z18, Z19)
	ROW512((R15)(R14*1), Z20, Z21, Z22, Z23)
	ADDQ R11, R13
	ADDQ $8, R14
	JNZ  w6loop

w6bias:
	MOVQ  bias+40(FP), R14
	TESTQ R14, R14
	JZ    w6store
	MOVQ  R14, R13
	LOADB512
	BIAS512(Z0, Z1, Z2, Z3)
	BIAS512(Z4, Z5, Z6, Z7)
	BIAS512(Z8, Z9, Z10, Z11)
	BIAS512(Z12, Z13, Z14, Z15)
	BIAS512(Z16, Z17, Z18, Z19)
	BIAS512(Z20, Z21, Z22, Z23)

w6store:
	MOVQ DI, R13
	STORE512(Z0, Z1, Z2, Z3)
	STORE512(Z4, Z5, Z6, Z7)
	STORE512(Z8, Z9, Z10, Z11)
	STORE512(Z12, Z13, Z14, Z15)
	STORE512(Z16, Z17, Z18, Z19)
	STORE512(Z20, Z21, Z22, Z23)
	MOVQ R13, DI
	ADDQ $144, SI
	SUBQ $6, CX
	JMP  wblocks

	// The last 1 to 5 rows.
wtail:
	CMPQ CX, $5
	JEQ  w5
	CMPQ CX, $4
	JEQ  w4
	CMPQ CX, $3
	JEQ  w3
	CMPQ CX, $2
	JEQ  w2
	CMPQ CX, $1
	JEQ  w1
	JMP  wret

w5:
	ZERO4(Z0, Z1, Z2, Z3)
	ZERO4(Z4, Z5, Z6, Z7)
	ZERO4(Z8, Z9, Z10, Z11)
	ZERO4(Z12, Z13, Z14, Z15)
	ZERO4(Z16, Z17, Z18, Z19)
	MOVQ  b+24(FP), R13
	MOVQ  k+56(FP), R14
	MOVQ  0(SI), AX
	MOVQ  24(SI), DX
	MOVQ  48(SI), R9
	MOVQ  72(SI), R10
	MOVQ  96(SI), R12
	SHLQ  $3, R14
	ADDQ  R14, AX
	ADDQ  R14, DX
	ADDQ  R14, R9
	ADDQ  R14, R10
	ADDQ  R14, R12
	NEGQ  R14
	JZ    w5bias

w5loop:
	LOADB512
	PREFETCHT0 (R13)(BX*1)
	PREFETCHT0 64(R13)(BX*1)
	PREFETCHT0 128(R13)(BX*1)
	PREFETCHT0 192(R13)(BX*1)
	ROW512((AX)(R14*1), Z0, Z1, Z2, Z3)
	ROW512((DX)(R14*1), Z4, Z5, Z6, Z7)
	ROW512((R9)(R14*1), Z8, Z9, Z10, Z11)
	ROW512((R10)(R14*1), Z12, Z13, Z14, Z15)
	ROW512((R12)(R14*1), Z16, Z17, Z18, Z19)
	ADDQ R11, R13
	ADDQ $8, R14
	JNZ  w5loop

w5bias:
	MOVQ  bias+40(FP), R14
	TESTQ R14, R14
	JZ    w5store
	MOVQ  R14, R13
	LOADB512
	BIAS512(Z0, Z1, Z2, Z3)
	BIAS512(Z4, Z5, Z6, Z7)
	BIAS512(Z8, Z9, Z10, Z11)
	BIAS512(Z12, Z13, Z14, Z15)
	BIAS512(Z16, Z17, Z18, Z19)

w5store:
	MOVQ DI, R13
	STORE512(Z0, Z1, Z2, Z3)
	STORE512(Z4, Z5, Z6, Z7)
	STORE512(Z8, Z9, Z10, Z11)
	STORE512(Z12, Z13, Z14, Z15)
	STORE512(Z16, Z17, Z18, Z19)
	JMP  wret

w4:
	ZERO4(Z0, Z1, Z2, Z3)
	ZERO4(Z4, Z5, Z6, Z7)
	ZERO4(Z8, Z9, Z10, Z11)
	ZERO4(Z12, Z13, Z14, Z15)
	MOVQ  b+24(FP), R13
	MOVQ  k+56(FP), R14
	MOVQ  0(SI), AX
	MOVQ  24(SI), DX
	MOVQ  48(SI), R9
	MOVQ  72(SI), R10
	SHLQ  $3, R14
	ADDQ  R14, AX
	ADDQ  R14, DX
	ADDQ  R14, R9
	ADDQ  R14, R10
	NEGQ  R14
	JZ    w4bias

w4loop:
	LOADB512
	PREFETCHT0 (R13)(BX*1)
	PREFETCHT0 64(R13)(BX*1)
	PREFETCHT0 128(R13)(BX*1)
	PREFETCHT0 192(R13)(BX*1)
	ROW512((AX)(R14*1), Z0, Z1, Z2, Z3)
	ROW512((DX)(R14*1), Z4, Z5, Z6, Z7)
	ROW512((R9)(R14*1), Z8, Z9, Z10, Z11)
	ROW512((R10)(R14*1), Z12, Z13, Z14, Z15)
	ADDQ R11, R13
	ADDQ $8, R14
	JNZ  w4loop

w4bias:
	MOVQ  bias+40(FP), R14
	TESTQ R14, R14
	JZ    w4store
	MOVQ  R14, R13
	LOADB512
	BIAS512(Z0, Z1, Z2, Z3)
	BIAS512(Z4, Z5, Z6, Z7)
	BIAS512(Z8, Z9, Z10, Z11)
	BIAS512(Z12, Z13, Z14, Z15)

w4store:
	MOVQ DI, R13
	STORE512(Z0, Z1, Z2, Z3)
	STORE512(Z4, Z5, Z6, Z7)
	STORE512(Z8, Z9, Z10, Z11)
	STORE512(Z12, Z13, Z14, Z15)
	JMP  wret

w3:
	ZERO4(Z0, Z1, Z2, Z3)
	ZERO4(Z4, Z5, Z6, Z7)
	ZERO4(Z8, Z9, Z10, Z11)
	MOVQ  b+24(FP), R13
	MOVQ  k+56(FP), R14
	MOVQ  0(SI), AX
	MOVQ  24(SI), DX
	MOVQ  48(SI), R9
	SHLQ  $3, R14
	ADDQ  R14, AX
	ADDQ  R14, DX
	ADDQ  R14, R9
	NEGQ  R14
	JZ    w3bias

w3loop:
	LOADB512
	PREFETCHT0 (R13)(BX*1)
	PREFETCHT0 64(R13)(BX*1)
	PREFETCHT0 128(R13)(BX*1)
	PREFETCHT0 192(R13)(BX*1)
	ROW512((AX)(R14*1), Z0, Z1, Z2, Z3)
	ROW512((DX)(R14*1), Z4, Z5, Z6, Z7)
	ROW512((R9)(R14*1), Z8, Z9, Z10, Z11)
	ADDQ R11, R13
	ADDQ $8, R14
	JNZ  w3loop

w3bias:
	MOVQ  bias+40(FP), R14
	TESTQ R14, R14
	JZ    w3store
	MOVQ  R14, R13
	LOADB512
	BIAS512(Z0, Z1, Z2, Z3)
	BIAS512(Z4, Z5, Z6, Z7)
	BIAS512(Z8, Z9, Z10, Z11)

w3store:
	MOVQ DI, R13
	STORE512(Z0, Z1, Z2, Z3)
	STORE512(Z4, Z5, Z6, Z7)
	STORE512(Z8, Z9, Z10, Z11)
	JMP  wret

w2:
	ZERO4(Z0, Z1, Z2, Z3)
	ZERO4(Z4, Z5, Z6, Z7)
	MOVQ  b+24(FP), R13
	MOVQ  k+56(FP), R14
	MOVQ  0(SI), AX
	MOVQ  24(SI), DX
	SHLQ  $3, R14
	ADDQ  R14, AX
	ADDQ  R14, DX
	NEGQ  R14
	JZ    w2bias

w2loop:
	LOADB512
	PREFETCHT0 (R13)(BX*1)
	PREFETCHT0 64(R13)(BX*1)
	PREFETCHT0 128(R13)(BX*1)
	PREFETCHT0 192(R13)(BX*1)
	ROW512((AX)(R14*1), Z0, Z1, Z2, Z3)
	ROW512((DX)(R14*1), Z4, Z5, Z6, Z7)
	ADDQ R11, R13
	ADDQ $8, R14
	JNZ  w2loop

w2bias:
	MOVQ  bias+40(FP), R14
	TESTQ R14, R14
	JZ    w2store
	MOVQ  R14, R13
	LOADB512
	BIAS512(Z0, Z1, Z2, Z3)
	BIAS512(Z4, Z5, Z6, Z7)

w2store:
	MOVQ DI, R13
	STORE512(Z0, Z1, Z2, Z3)
	STORE512(Z4, Z5, Z6, Z7)
	JMP  wret

w1:
	ZERO4(Z0, Z1, Z2, Z3)
	MOVQ  b+24(FP), R13
	MOVQ  k+56(FP), R14
	MOVQ  0(SI), AX
	SHLQ  $3, R14
	ADDQ  R14, AX
	NEGQ  R14
	JZ    w1bias

w1loop:
	LOADB512
	PREFETCHT0 (R13)(BX*1)
	PREFETCHT0 64(R13)(BX*1)
	PREFETCHT0 128(R13)(BX*1)
	PREFETCHT0 192(R13)(BX*1)
	ROW512((AX)(R14*1), Z0, Z1, Z2, Z3)
	ADDQ R11, R13
	ADDQ $8, R14
	JNZ  w1loop

w1bias:
	MOVQ  bias+40(FP), R14
	TESTQ R14, R14
	JZ    w1store
	MOVQ  R14, R13
	LOADB512
	BIAS512(Z0, Z1, Z2, Z3)

w1store:
	MOVQ DI, R13
	STORE512(Z0, Z1, Z2, Z3)
	JMP  wret

wret:
	VZEROUPPER
	RET

// func gemmRowsTAVX512(c *float64, ldc int, rows *[]float64, col int, b *float64, ldb int, n, k, masks int)
//
// gemmAVX512 for C = Aᵀ·B where row p of A is the slice rows[p]: C(i,j) =
// Σ_p rows[p][col+i]·B(p,j). Registers: SI the first header, R10 the header
// of row p, AX its data at column col+i, R9 = 8·(col+i) for the block.
TEXT ·gemmRowsTAVX512(SB), NOSPLIT, $0-72
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), R8
	SHLQ $3, R8
	MOVQ rows+16(FP), SI
	MOVQ col+24(FP), R9
	SHLQ $3, R9
	MOVQ b+32(FP), BX
	MOVQ ldb+40(FP), R11
	SHLQ $3, R11
	MOVQ n+48(FP), CX
	MOVQ masks+64(FP), AX
	COLMASKS

qblocks:
	CMPQ CX, $6
	JLT  qtail
q6:
	ZERO4(Z0, Z1, Z2, Z3)
	ZERO4(Z4, Z5, Z6, Z7)
	ZERO4(Z8, Z9, Z10, Z11)
	ZERO4(Z12, Z13, Z14, Z15)
	ZERO4(Z16, Z17, Z18, Z19)
	ZERO4(Z20, Z21, Z22, Z23)
	MOVQ  BX, R13
	MOVQ  k+56(FP), R14
	MOVQ  SI, R10
	TESTQ R14, R14
	JZ    q6store

q6loop:
	MOVQ (R10), AX
	ADDQ R9, AX
	LOADB512
	ROW512(0(AX), Z0, Z1, Z2, Z3)
	ROW512(8(AX), Z4, Z5, Z6, Z7)
	ROW512(16(AX), Z8, Z9, Z10, Z11)
	ROW512(24(AX), Z12, Z13, Z14, Z15)
	ROW512(32(AX), Z16, Z17, Z18, Z19)
	ROW512(40(AX), Z20, Z21, Z22, Z23)
	ADDQ $24, R10
	ADDQ R11, R13
	DECQ R14
	JNZ  q6loop

q6store:
	MOVQ DI, R13
	STORE512(Z0, Z1, Z2, Z3)
	STORE512(Z4, Z5, Z6, Z7)
	STORE512(Z8, Z9, Z10, Z11)
	STORE512(Z12, Z13, Z14, Z15)
	STORE512(Z16, Z17, Z18, Z19)
	STORE512(Z20, Z21, Z22, Z23)
	MOVQ R13, DI
	ADDQ $48, R9
	SUBQ $6, CX
	JMP  qblocks

	// The last 1 to 5 rows.
qtail:
	CMPQ CX, $5
	JEQ  q5
	CMPQ CX, $4
	JEQ  q4
	CMPQ CX, $3
	JEQ  q3
	CMPQ CX, $2
	JEQ  q2
	CMPQ CX, $1
	JEQ  q1
	JMP  qret

q5:
	ZERO4(Z0, Z1, Z2, Z3)
	ZERO4(Z4, Z5, Z6, Z7)
	ZERO4(Z8, Z9, Z10, Z11)
	ZERO4(Z12, Z13, Z14, Z15)
	ZERO4(Z16, Z17, Z18, Z19)
	MOVQ  BX, R13
	MOVQ  k+56(FP), R14
	MOVQ  SI, R10
	TESTQ R14, R14
	JZ    q5store

q5loop:
	MOVQ (R10), AX
	ADDQ R9, AX
	LOADB512
	ROW512(0(AX), Z0, Z1, Z2, Z3)
	ROW512(8(AX), Z4, Z5, Z6, Z7)
	ROW512(16(AX), Z8, Z9, Z10, Z11)
	ROW512(24(AX), Z12, Z13, Z14, Z15)
	ROW512(32(AX), Z16, Z17, Z18, Z19)
	ADDQ $24, R10
	ADDQ R11, R13
	DECQ R14
	JNZ  q5loop

q5store:
	MOVQ DI, R13
	STORE512(Z0, Z1, Z2, Z3)
	STORE512(Z4, Z5, Z6, Z7)
	STORE512(Z8, Z9, Z10, Z11)
	STORE512(Z12, Z13, Z14, Z15)
	STORE512(Z16, Z17, Z18, Z19)
	JMP  qret

q4:
	ZERO4(Z0, Z1, Z2, Z3)
	ZERO4(Z4, Z5, Z6, Z7)
	ZERO4(Z8, Z9, Z10, Z11)
	ZERO4(Z12, Z13, Z14, Z15)
	MOVQ  BX, R13
	MOVQ  k+56(FP), R14
	MOVQ  SI, R10
	TESTQ R14, R14
	JZ    q4store

q4loop:
	MOVQ (R10), AX
	ADDQ R9, AX
	LOADB512
	ROW512(0(AX), Z0, Z1, Z2, Z3)
	ROW512(8(AX), Z4, Z5, Z6, Z7)
	ROW512(16(AX), Z8, Z9, Z10, Z11)
	ROW512(24(AX), Z12, Z13, Z14, Z15)
	ADDQ $24, R10
	ADDQ R11, R13
	DECQ R14
	JNZ  q4loop

q4store:
	MOVQ DI, R13
	STORE512(Z0, Z1, Z2, Z3)
	STORE512(Z4, Z5, Z6, Z7)
	STORE512(Z8, Z9, Z10, Z11)
	STORE512(Z12, Z13, Z14, Z15)
	JMP  qret

q3:
	ZERO4(Z0, Z1, Z2, Z3)
	ZERO4(Z4, Z5, Z6, Z7)
	ZERO4(Z8, Z9, Z10, Z11)
	MOVQ  BX, R13
	MOVQ  k+56(FP), R14
	MOVQ  SI, R10
	TESTQ R14, R14
	JZ    q3store

q3loop:
	MOVQ (R10), AX
	ADDQ R9, AX
	LOADB512
	ROW512(0(AX), Z0, Z1, Z2, Z3)
	ROW512(8(AX), Z4, Z5, Z6, Z7)
	ROW512(16(AX), Z8, Z9, Z10, Z11)
	ADDQ $24, R10
	ADDQ R11, R13
	DECQ R14
	JNZ  q3loop

q3store:
	MOVQ DI, R13
	STORE512(Z0, Z1, Z2, Z3)
	STORE512(Z4, Z5, Z6, Z7)
	STORE512(Z8, Z9, Z10, Z11)
	JMP  qret

q2:
	ZERO4(Z0, Z1, Z2, Z3)
	ZERO4(Z4, Z5, Z6, Z7)
	MOVQ  BX, R13
	MOVQ  k+56(FP), R14
	MOVQ  SI, R10
	TESTQ R14, R14
	JZ    q2store

q2loop:
	MOVQ (R10), AX
	ADDQ R9, AX
	LOADB512
	ROW512(0(AX), Z0, Z1, Z2, Z3)
	ROW512(8(AX), Z4, Z5, Z6, Z7)
	ADDQ $24, R10
	ADDQ R11, R13
	DECQ R14
	JNZ  q2loop

q2store:
	MOVQ DI, R13
	STORE512(Z0, Z1, Z2, Z3)
	STORE512(Z4, Z5, Z6, Z7)
	JMP  qret

q1:
	ZERO4(Z0, Z1, Z2, Z3)
	MOVQ  BX, R13
	MOVQ  k+56(FP), R14
	MOVQ  SI, R10
	TESTQ R14, R14
	JZ    q1store

q1loop:
	MOVQ (R10), AX
	ADDQ R9, AX
	LOADB512
	ROW512(0(AX), Z0, Z1, Z2, Z3)
	ADDQ $24, R10
	ADDQ R11, R13
	DECQ R14
	JNZ  q1loop

q1store:
	MOVQ DI, R13
	STORE512(Z0, Z1, Z2, Z3)
	JMP  qret

qret:
	VZEROUPPER
	RET

// The AVX2 kernel: blocks of 6 rows × 8 columns (two registers of 4 sums
// per row), only whole blocks of 8 columns; the Go code does the rest.

#define MADD2(b, t, acc) \
	VMULPD b, t, Y15; \
	VADDPD Y15, acc, acc

#define ROW256(addr, c0, c1) \
	VBROADCASTSD addr, Y14; \
	MADD2(Y12, Y14, c0); \
	MADD2(Y13, Y14, c1)

#define LOADB256 \
	VMOVUPD (R13), Y12; \
	VMOVUPD 32(R13), Y13

#define BIAS256(c0, c1) \
	VADDPD Y12, c0, c0; \
	VADDPD Y13, c1, c1

#define STORE256(c0, c1) \
	VMOVUPD c0, (R13); \
	VMOVUPD c1, 32(R13); \
	ADDQ    R8, R13

#define ZERO2(c0, c1) \
	VXORPD c0, c0, c0; \
	VXORPD c1, c1, c1

// func gemmAVX2(c *float64, ldc int, a *float64, sai, sak int, b *float64, ldb int, bias *float64, n, k int)
//
// Sets C(i,j) = Σ_p A(i,p)·B(p,j) (+ bias[j]) for i < n and 8 columns j.
// Registers as in gemmAVX512.
TEXT ·gemmAVX2(SB), NOSPLIT, $0-80
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), R8
	SHLQ $3, R8
	MOVQ a+16(FP), SI
	MOVQ sai+24(FP), R9
	SHLQ $3, R9
	MOVQ sak+32(FP), R10
	SHLQ $3, R10
	MOVQ b+40(FP), BX
	MOVQ ldb+48(FP), R11
	SHLQ $3, R11
	MOVQ n+64(FP), CX
	MOVQ k+72(FP), R12

block2:
	TESTQ CX, CX
	JZ    ret2
	ZERO2(Y0, Y1)
	ZERO2(Y2, Y3)
	ZERO2(Y4, Y5)
	ZERO2(Y6, Y7)
	ZERO2(Y8, Y9)
	ZERO2(Y10, Y11)
	MOVQ  SI, AX
	LEAQ  (SI)(R9*2), DX
	ADDQ  R9, DX
	MOVQ  BX, R13
	MOVQ  R12, R14
	TESTQ R14, R14
	JZ    bias2
	CMPQ  CX, $6
	JLT   tail2

loop2:
	LOADB256
	ROW256((AX), Y0, Y1)
	ROW256((AX)(R9*1), Y2, Y3)
	ROW256((AX)(R9*2), Y4, Y5)
	ROW256((DX), Y6, Y7)
	ROW256((DX)(R9*1), Y8, Y9)
	ROW256((DX)(R9*2), Y10, Y11)
	ADDQ R10, AX
	ADDQ R10, DX
	ADDQ R11, R13
	DECQ R14
	JNZ  loop2
	JMP  bias2

tail2:
	LOADB256
	ROW256((AX), Y0, Y1)
	CMPQ CX, $1
	JEQ  next2
	ROW256((AX)(R9*1), Y2, Y3)
	CMPQ CX, $2
	JEQ  next2
	ROW256((AX)(R9*2), Y4, Y5)
	CMPQ CX, $3
	JEQ  next2
	ROW256((DX), Y6, Y7)
	CMPQ CX, $4
	JEQ  next2
	ROW256((DX)(R9*1), Y8, Y9)

next2:
	ADDQ R10, AX
	ADDQ R10, DX
	ADDQ R11, R13
	DECQ R14
	JNZ  tail2

bias2:
	MOVQ  bias+56(FP), R14
	TESTQ R14, R14
	JZ    store2
	MOVQ  R14, R13
	LOADB256
	BIAS256(Y0, Y1)
	BIAS256(Y2, Y3)
	BIAS256(Y4, Y5)
	BIAS256(Y6, Y7)
	BIAS256(Y8, Y9)
	BIAS256(Y10, Y11)

store2:
	MOVQ DI, R13
	STORE256(Y0, Y1)
	CMPQ CX, $1
	JEQ  ret2
	STORE256(Y2, Y3)
	CMPQ CX, $2
	JEQ  ret2
	STORE256(Y4, Y5)
	CMPQ CX, $3
	JEQ  ret2
	STORE256(Y6, Y7)
	CMPQ CX, $4
	JEQ  ret2
	STORE256(Y8, Y9)
	CMPQ CX, $5
	JEQ  ret2
	STORE256(Y10, Y11)
	MOVQ R13, DI
	LEAQ (SI)(R9*4), SI
	LEAQ (SI)(R9*2), SI
	SUBQ $6, CX
	JMP  block2

ret2:
	VZEROUPPER
	RET

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax uint32)
// The low half of XCR0: which register state the OS saves on a switch.
TEXT ·xgetbv(SB), NOSPLIT, $0-4
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	RET

// One Adam step on 8 (AVX-512) or 4 (AVX2) parameters at once, giving the
// same bits as adamGo:
//	m ← β1·m + (1−β1)·g;  v ← β2·v + ((1−β2)·g)·g
//	w ← w − (lr·(m/(1−β1ᵗ))) / (√(v/(1−β2ᵗ)) + ε)
// The three divisions and the square root are most of its time, so:
//   - once 0.9ᵗ < 2⁻⁵⁴ (from step 356 on), 1−β1ᵗ rounds to exactly 1 and m/1 = m:
//     that division is left out;
//   - v/(1−β2ᵗ) divides by the same number c for every parameter. With
//     y = 1/c rounded, q = v·y is within an ulp of v/c, r = v − c·q is exact
//     (one fused multiply-add), and q + r·y rounded is exactly v/c rounded
//     (Markstein's theorem), as long as nothing underflows or overflows:
//     a vector with some v outside [2⁻⁹⁰⁰, 2⁹⁰⁰] (and not 0), or NaN, is
//     divided the slow way.
// k points at β1, 1−β1, β2, 1−β2, 1−β1ᵗ, 1−β2ᵗ, lr, ε, 1/(1−β2ᵗ), and
// c1one is 1 when 1−β1ᵗ = 1.

DATA adamRange<>+0(SB)/8, $0x07b0000000000000 // 2⁻⁹⁰⁰ (as bits: exponent 1023−900)
DATA adamRange<>+8(SB)/8, $0x7830000000000000 // 2⁹⁰⁰
GLOBL adamRange<>(SB), RODATA|NOPTR, $16

DATA adamRange4<>+0(SB)/8, $0x07b0000000000000
DATA adamRange4<>+8(SB)/8, $0x07b0000000000000
DATA adamRange4<>+16(SB)/8, $0x07b0000000000000
DATA adamRange4<>+24(SB)/8, $0x07b0000000000000
DATA adamRange4<>+32(SB)/8, $0x7830000000000000
DATA adamRange4<>+40(SB)/8, $0x7830000000000000
DATA adamRange4<>+48(SB)/8, $0x7830000000000000
DATA adamRange4<>+56(SB)/8, $0x7830000000000000
GLOBL adamRange4<>(SB), RODATA|NOPTR, $64

// func adamAVX512(w, grad, m, v *float64, n int, k *[9]float64, c1one int)
//
// Z16–Z24 hold the constants, Z25 and Z26 the range limits, Z27 zero;
// BX is the byte offset of the element, K1 masks the lanes that exist.
TEXT ·adamAVX512(SB), NOSPLIT, $0-56
	MOVQ w+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), R8
	MOVQ v+24(FP), R9
	MOVQ n+32(FP), CX
	MOVQ k+40(FP), AX
	MOVQ c1one+48(FP), R10
	VBROADCASTSD 0(AX), Z16
	VBROADCASTSD 8(AX), Z17
	VBROADCASTSD 16(AX), Z18
	VBROADCASTSD 24(AX), Z19
	VBROADCASTSD 32(AX), Z20
	VBROADCASTSD 40(AX), Z21
	VBROADCASTSD 48(AX), Z22
	VBROADCASTSD 56(AX), Z23
	VBROADCASTSD 64(AX), Z24
	VBROADCASTSD adamRange<>+0(SB), Z25
	VBROADCASTSD adamRange<>+8(SB), Z26
	VPXORQ       Z27, Z27, Z27
	VECSTART(adamret512)

adamloop512:
	CMPQ  CX, $8
	JGE   adamfull512
	TAILMASK8 // the last 1 to 7 elements

adamfull512:
	VMOVUPD.Z (SI)(BX*1), K1, Z0 // g
	VMOVUPD.Z (R8)(BX*1), K1, Z1 // m
	VMOVUPD.Z (R9)(BX*1), K1, Z2 // v
	VMOVUPD.Z (DI)(BX*1), K1, Z3 // w
	VMULPD    Z16, Z1, Z1
	VMULPD    Z17, Z0, Z4
	VADDPD    Z4, Z1, Z1 // m = β1·m + (1−β1)·g
	VMULPD    Z18, Z2, Z2
	VMULPD    Z19, Z0, Z5
	VMULPD    Z0, Z5, Z5
	VADDPD    Z5, Z2, Z2 // v = β2·v + ((1−β2)·g)·g
	VMOVUPD   Z1, K1, (R8)(BX*1)
	VMOVUPD   Z2, K1, (R9)(BX*1)
	TESTQ     R10, R10
	JNZ       adamc1one512
	VDIVPD    Z20, Z1, Z6 // m/(1−β1ᵗ)
	JMP       adamc1done512

adamc1one512:
	VMOVAPD Z1, Z6

adamc1done512:
	VMULPD     Z6, Z22, Z6 // lr·m̂
	VCMPPD     $0x11, Z25, Z2, K2 // v < 2⁻⁹⁰⁰
	VCMPPD     $0x0c, Z27, Z2, K3 // v ≠ 0
	KANDW      K3, K2, K2
	VCMPPD     $0x16, Z26, Z2, K3 // not v ≤ 2⁹⁰⁰ (or NaN)
	KORW       K3, K2, K2
	KORTESTW   K2, K2
	JNZ        adamslow512
	VMULPD     Z24, Z2, Z7 // q = v·y
	VMOVAPD    Z2, Z8
	VFNMADD231PD Z7, Z21, Z8 // r = v − c·q, exactly
	VFMADD231PD  Z8, Z24, Z7 // v̂ = q + r·y
	JMP        adamdiv512

adamslow512:
	VDIVPD Z21, Z2, Z7 // v̂ = v/(1−β2ᵗ)

adamdiv512:
	VSQRTPD Z7, Z7
	VADDPD  Z23, Z7, Z7
	VDIVPD  Z7, Z6, Z6
	VSUBPD  Z6, Z3, Z3
	VMOVUPD Z3, K1, (DI)(BX*1)
	ADDQ    $64, BX
	SUBQ    $8, CX
	JG      adamloop512

adamret512:
	VZEROUPPER
	RET

// func adamAVX2(w, grad, m, v *float64, n int, k *[9]float64, c1one int)
//
// n is a multiple of 4. Y8–Y15 hold the first eight constants; R11 points
// at them for 1/(1−β2ᵗ).
TEXT ·adamAVX2(SB), NOSPLIT, $0-56
	MOVQ w+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), R8
	MOVQ v+24(FP), R9
	MOVQ n+32(FP), CX
	MOVQ k+40(FP), R11
	MOVQ c1one+48(FP), R10
	VBROADCASTSD 0(R11), Y8
	VBROADCASTSD 8(R11), Y9
	VBROADCASTSD 16(R11), Y10
	VBROADCASTSD 24(R11), Y11
	VBROADCASTSD 32(R11), Y12
	VBROADCASTSD 40(R11), Y13
	VBROADCASTSD 48(R11), Y14
	VBROADCASTSD 56(R11), Y15
	XORQ BX, BX
	SHRQ $2, CX
	JZ   adamret2

adamloop2:
	VMOVUPD (SI)(BX*1), Y0
	VMOVUPD (R8)(BX*1), Y1
	VMOVUPD (R9)(BX*1), Y2
	VMOVUPD (DI)(BX*1), Y3
	VMULPD  Y8, Y1, Y1
	VMULPD  Y9, Y0, Y4
	VADDPD  Y4, Y1, Y1
	VMULPD  Y10, Y2, Y2
	VMULPD  Y11, Y0, Y5
	VMULPD  Y0, Y5, Y5
	VADDPD  Y5, Y2, Y2
	VMOVUPD Y1, (R8)(BX*1)
	VMOVUPD Y2, (R9)(BX*1)
	TESTQ   R10, R10
	JNZ     adamc1one2
	VDIVPD  Y12, Y1, Y6
	JMP     adamc1done2

adamc1one2:
	VMOVAPD Y1, Y6

adamc1done2:
	VMULPD    Y6, Y14, Y6
	VXORPD    Y0, Y0, Y0
	VCMPPD    $0x11, adamRange4<>+0(SB), Y2, Y4
	VCMPPD    $0x0c, Y0, Y2, Y5
	VANDPD    Y5, Y4, Y4
	VCMPPD    $0x16, adamRange4<>+32(SB), Y2, Y5
	VORPD     Y5, Y4, Y4
	VMOVMSKPD Y4, AX
	TESTL     AX, AX
	JNZ       adamslow2
	VBROADCASTSD 64(R11), Y4
	VMULPD    Y4, Y2, Y7
	VMOVAPD   Y2, Y5
	VFNMADD231PD Y7, Y13, Y5
	VFMADD231PD  Y5, Y4, Y7
	JMP       adamdiv2

adamslow2:
	VDIVPD Y13, Y2, Y7

adamdiv2:
	VSQRTPD Y7, Y7
	VADDPD  Y15, Y7, Y7
	VDIVPD  Y7, Y6, Y6
	VSUBPD  Y6, Y3, Y3
	VMOVUPD Y3, (DI)(BX*1)
	ADDQ    $32, BX
	DECQ    CX
	JNZ     adamloop2

adamret2:
	VZEROUPPER
	RET

// Transposing an 8×8 block of float64 in registers: rows r0–r7 in Z0–Z7
// become columns in Z16–Z23, in three rounds of shuffles (pairs of
// elements, then pairs of pairs, then halves). Z30 and Z31 hold the
// VPERMT2PD index vectors.
DATA transIdx<>+0(SB)/8, $0
DATA transIdx<>+8(SB)/8, $1
DATA transIdx<>+16(SB)/8, $8
DATA transIdx<>+24(SB)/8, $9
DATA transIdx<>+32(SB)/8, $4
DATA transIdx<>+40(SB)/8, $5
DATA transIdx<>+48(SB)/8, $12
DATA transIdx<>+56(SB)/8, $13
DATA transIdx<>+64(SB)/8, $2
DATA transIdx<>+72(SB)/8, $3
DATA transIdx<>+80(SB)/8, $10
DATA transIdx<>+88(SB)/8, $11
DATA transIdx<>+96(SB)/8, $6
DATA transIdx<>+104(SB)/8, $7
DATA transIdx<>+112(SB)/8, $14
DATA transIdx<>+120(SB)/8, $15
GLOBL transIdx<>(SB), RODATA|NOPTR, $128

// PAIRS(t0, t2, lo, hi): from t0 = [a0 b0 a2 b2 a4 b4 a6 b6] and
// t2 = [c0 d0 c2 d2 …], lo gets [a0 b0 c0 d0 a4 b4 c4 d4], hi the 2s and 6s.
#define PAIRS(t0, t2, lo, hi) \
	VMOVAPD   t0, lo; \
	VPERMT2PD t2, Z30, lo; \
	VMOVAPD   t0, hi; \
	VPERMT2PD t2, Z31, hi

// func transposeAVX512(dst *float64, ldd int, src *float64, lds int, rows, cols int)
//
// Writes the transpose of the rows×cols block at src (row stride lds) to
// dst (row stride ldd): dst[p][j] = src[j][p]. rows and cols are multiples of 8.
TEXT ·transposeAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R8
	SHLQ $3, R8
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R9
	SHLQ $3, R9
	MOVQ rows+32(FP), CX
	MOVQ cols+40(FP), DX
	VMOVDQU64 transIdx<>+0(SB), Z30
	VMOVDQU64 transIdx<>+64(SB), Z31
	LEAQ (R9)(R9*2), R13 // 3·lds
	LEAQ (R8)(R8*2), R12 // 3·ldd
	SHRQ $3, CX
	JZ   transret
	SHRQ $3, DX
	JZ   transret

transrows: // SI: row j0 of src; DI: column j0 of dst
	MOVQ SI, AX
	MOVQ DI, BX
	MOVQ DX, R10

transblock:
	LEAQ    (AX)(R9*4), R14
	VMOVUPD (AX), Z0
	VMOVUPD (AX)(R9*1), Z1
	VMOVUPD (AX)(R9*2), Z2
	VMOVUPD (AX)(R13*1), Z3
	VMOVUPD (R14), Z4
	VMOVUPD (R14)(R9*1), Z5
	VMOVUPD (R14)(R9*2), Z6
	VMOVUPD (R14)(R13*1), Z7
	VUNPCKLPD Z1, Z0, Z8
	VUNPCKHPD Z1, Z0, Z9
	VUNPCKLPD Z3, Z2, Z10
	VUNPCKHPD Z3, Z2, Z11
	VUNPCKLPD Z5, Z4, Z12
	VUNPCKHPD Z5, Z4, Z13
	VUNPCKLPD Z7, Z6, Z14
	VUNPCKHPD Z7, Z6, Z15
	PAIRS(Z8, Z10, Z0, Z2)
	PAIRS(Z9, Z11, Z1, Z3)
	PAIRS(Z12, Z14, Z4, Z6)
	PAIRS(Z13, Z15, Z5, Z7)
	VSHUFF64X2 $0x44, Z4, Z0, Z16
	VSHUFF64X2 $0xee, Z4, Z0, Z20
	VSHUFF64X2 $0x44, Z5, Z1, Z17
	VSHUFF64X2 $0xee, Z5, Z1, Z21
	VSHUFF64X2 $0x44, Z6, Z2, Z18
	VSHUFF64X2 $0xee, Z6, Z2, Z22
	VSHUFF64X2 $0x44, Z7, Z3, Z19
	VSHUFF64X2 $0xee, Z7, Z3, Z23
	LEAQ    (BX)(R8*4), R11
	VMOVUPD Z16, (BX)
	VMOVUPD Z17, (BX)(R8*1)
	VMOVUPD Z18, (BX)(R8*2)
	VMOVUPD Z19, (BX)(R12*1)
	VMOVUPD Z20, (R11)
	VMOVUPD Z21, (R11)(R8*1)
	VMOVUPD Z22, (R11)(R8*2)
	VMOVUPD Z23, (R11)(R12*1)
	ADDQ $64, AX          // next 8 columns of src
	LEAQ (BX)(R8*8), BX   // next 8 rows of dst
	DECQ R10
	JNZ  transblock
	LEAQ (SI)(R9*8), SI   // next 8 rows of src
	ADDQ $64, DI          // next 8 columns of dst
	DECQ CX
	JNZ  transrows

transret:
	VZEROUPPER
	RET

// ReLU and its gradient on whole vectors, with a compare that makes a mask
// and a move that keeps the lanes the mask selects and zeroes the others:
// no branch to mispredict.

// func reluAVX512(dst, src *float64, n int)
// dst = src where src > 0 or is NaN (as Go's max(src, 0)), else +0.
TEXT ·reluAVX512(SB), NOSPLIT, $0-24
	MOVQ   dst+0(FP), DI
	MOVQ   src+8(FP), SI
	MOVQ   n+16(FP), CX
	VPXORQ Z1, Z1, Z1
	MOVQ   $0xff, AX
	KMOVW  AX, K1
	TESTQ  CX, CX
	JLE    reluret512

reluloop512:
	CMPQ  CX, $8
	JGE   relufull512
	TAILMASK8

relufull512:
	VMOVUPD.Z (SI), K1, Z0
	VCMPPD    $0x16, Z1, Z0, K1, K2 // not src ≤ 0: positive or NaN
	VMOVUPD.Z Z0, K2, Z0
	VMOVUPD   Z0, K1, (DI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	SUBQ      $8, CX
	JG        reluloop512

reluret512:
	VZEROUPPER
	RET

// func reluMaskAVX512(d, v, out *float64, n int)
// d = v where out > 0, else +0.
TEXT ·reluMaskAVX512(SB), NOSPLIT, $0-32
	MOVQ   d+0(FP), DI
	MOVQ   v+8(FP), SI
	MOVQ   out+16(FP), DX
	MOVQ   n+24(FP), CX
	VPXORQ Z2, Z2, Z2
	MOVQ   $0xff, AX
	KMOVW  AX, K1
	TESTQ  CX, CX
	JLE    gradret512

gradloop512:
	CMPQ  CX, $8
	JGE   gradfull512
	TAILMASK8

gradfull512:
	VMOVUPD.Z (DX), K1, Z1
	VCMPPD    $0x1e, Z2, Z1, K1, K2 // out > 0
	VMOVUPD.Z (SI), K2, Z0
	VMOVUPD   Z0, K1, (DI)
	ADDQ      $64, SI
	ADDQ      $64, DX
	ADDQ      $64, DI
	SUBQ      $8, CX
	JG        gradloop512

gradret512:
	VZEROUPPER
	RET

// func reluAVX2(dst, src *float64, n int)
// n is a multiple of 4.
TEXT ·reluAVX2(SB), NOSPLIT, $0-24
	MOVQ   dst+0(FP), DI
	MOVQ   src+8(FP), SI
	MOVQ   n+16(FP), CX
	VXORPD Y1, Y1, Y1
	SHRQ   $2, CX
	JZ     reluret2

reluloop2:
	VMOVUPD (SI), Y0
	VCMPPD  $0x16, Y1, Y0, Y2 // all ones where not src ≤ 0
	VANDPD  Y0, Y2, Y0
	VMOVUPD Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     reluloop2

reluret2:
	VZEROUPPER
	RET

// func reluMaskAVX2(d, v, out *float64, n int)
// n is a multiple of 4.
TEXT ·reluMaskAVX2(SB), NOSPLIT, $0-32
	MOVQ   d+0(FP), DI
	MOVQ   v+8(FP), SI
	MOVQ   out+16(FP), DX
	MOVQ   n+24(FP), CX
	VXORPD Y2, Y2, Y2
	SHRQ   $2, CX
	JZ     gradret2

gradloop2:
	VMOVUPD (DX), Y1
	VCMPPD  $0x1e, Y2, Y1, Y1 // all ones where out > 0
	VANDPD  (SI), Y1, Y0
	VMOVUPD Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	DECQ    CX
	JNZ     gradloop2

gradret2:
	VZEROUPPER
	RET

// func spinPause()
// A few PAUSE instructions: a helper waiting for its next part tells the
// CPU it is only waiting, so that it uses less power and leaves more of the
// core to a second hardware thread on it.
TEXT ·spinPause(SB), NOSPLIT, $0-0
	PAUSE
	PAUSE
	PAUSE
	PAUSE
	PAUSE
	PAUSE
	PAUSE
	PAUSE
	RET

// func normalizeAVX512(xhat, y, x, mean, std, gamma, beta *float64, n int)
//
// Batch normalisation of one row of n features: xhat = (x − mean)/std and
// y = gamma·xhat + beta, 8 features at a time, the last 1 to 7 under a mask
// (K1). The division is the vector unit's, exact as Go's is.
TEXT ·normalizeAVX512(SB), NOSPLIT, $0-64
	MOVQ  xhat+0(FP), DI
	MOVQ  y+8(FP), SI
	MOVQ  x+16(FP), DX
	MOVQ  mean+24(FP), R8
	MOVQ  std+32(FP), R9
	MOVQ  gamma+40(FP), R10
	MOVQ  beta+48(FP), R11
	MOVQ  n+56(FP), CX
	VECSTART(normret)

normloop:
	CMPQ  CX, $8
	JGE   normfull
	TAILMASK8 // the last 1 to 7 features

normfull:
	VMOVUPD.Z (DX)(BX*1), K1, Z0  // x
	VMOVUPD.Z (R8)(BX*1), K1, Z1  // mean
	VMOVUPD.Z (R9)(BX*1), K1, Z2  // std
	VMOVUPD.Z (R10)(BX*1), K1, Z3 // gamma
	VMOVUPD.Z (R11)(BX*1), K1, Z4 // beta
	VSUBPD    Z1, Z0, Z0          // x − mean
	VDIVPD    Z2, Z0, Z0          // xhat = (x − mean)/std
	VMULPD    Z0, Z3, Z3          // gamma·xhat
	VADDPD    Z4, Z3, Z3          // y = gamma·xhat + beta
	VMOVUPD   Z0, K1, (DI)(BX*1)
	VMOVUPD   Z3, K1, (SI)(BX*1)
	ADDQ      $64, BX
	SUBQ      $8, CX
	JG        normloop

normret:
	VZEROUPPER
	RET

// func packAVX512(panel, b *float64, ldb, k, masks int)
//
// Copies a block of 32 columns of k rows of B (row stride ldb, at b) into
// a panel, row p at panel + 32p: masks, as gemmAVX512 takes them,
// select the columns that exist (the others read as 0). It asks for the
// row 16 rows ahead into the core's larger cache (PREFETCHT1): the rows of a
// wide B lie on different pages, where the CPU's own prefetcher stops.
TEXT ·packAVX512(SB), NOSPLIT, $0-40
	MOVQ panel+0(FP), DI
	MOVQ b+8(FP), SI
	MOVQ ldb+16(FP), R11
	SHLQ $3, R11
	MOVQ k+24(FP), CX
	MOVQ masks+32(FP), AX
	COLMASKS
	MOVQ  R11, R15
	SHLQ  $4, R15
	TESTQ CX, CX
	JZ    packdone

packloop:
	PREFETCHT1 (SI)(R15*1)
	PREFETCHT1 64(SI)(R15*1)
	PREFETCHT1 128(SI)(R15*1)
	PREFETCHT1 192(SI)(R15*1)
	VMOVUPD.Z (SI), K1, Z0
	VMOVUPD.Z 64(SI), K2, Z1
	VMOVUPD.Z 128(SI), K3, Z2
	VMOVUPD.Z 192(SI), K4, Z3
	VMOVUPD Z0, (DI)
	VMOVUPD Z1, 64(DI)
	VMOVUPD Z2, 128(DI)
	VMOVUPD Z3, 192(DI)
	ADDQ R11, SI
	ADDQ $256, DI
	DECQ CX
	JNZ  packloop

packdone:
	VZEROUPPER
	RET

// func columnsAVX512(sums, a, b *float64, rows, cols, lda, op int)
//
// The column reductions of a rows×cols matrix a (row stride lda), 32
// columns at a time in Z0–Z3 (masks K1–K4 for the last, partial block), each
// sum built from +0 by adding row after row, as the Go twins in
// elementwise.go do:
//
//	op 0: sums[j] = Σ_i a(i,j)
//	op 1: sums[j] = Σ_i (a(i,j) − b[j])·(a(i,j) − b[j])   (b a row: the means)
//	op 2: sums[j] = Σ_i a(i,j)·b(i,j)                      (b a matrix like a, stride lda)
//
// Registers: DI sums, SI a, DX b (at the block's first column), R8 the row
// stride in bytes, R9 rows, CX columns left, R10 op; in the loop over rows
// R11 and R12 point at the block's columns of row i of a and b, R13 counts
// the rows down.
TEXT ·columnsAVX512(SB), NOSPLIT, $0-56
	MOVQ sums+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ rows+24(FP), R9
	MOVQ cols+32(FP), CX
	MOVQ lda+40(FP), R8
	SHLQ $3, R8
	MOVQ op+48(FP), R10

colblock:
	TESTQ CX, CX
	JLE   colret
	MOVQ  $0xffffffff, AX
	CMPQ  CX, $32
	JGE   colmasks
	MOVQ  $1, AX
	SHLQ  CX, AX
	DECQ  AX

colmasks:
	COLMASKS
	ZERO4(Z0, Z1, Z2, Z3)
	MOVQ  SI, R11
	MOVQ  DX, R12
	MOVQ  R9, R13
	TESTQ R13, R13
	JZ    colstore
	CMPQ  R10, $1
	JEQ   coldev
	JGT   coldot

colsum:
	VMOVUPD.Z (R11), K1, Z4
	VMOVUPD.Z 64(R11), K2, Z5
	VMOVUPD.Z 128(R11), K3, Z6
	VMOVUPD.Z 192(R11), K4, Z7
	VADDPD    Z4, Z0, Z0
	VADDPD    Z5, Z1, Z1
	VADDPD    Z6, Z2, Z2
	VADDPD    Z7, Z3, Z3
	ADDQ      R8, R11
	DECQ      R13
	JNZ       colsum
	JMP       colstore

coldev:
	VMOVUPD.Z (R12), K1, Z8 // the means of the block's columns
	VMOVUPD.Z 64(R12), K2, Z9
	VMOVUPD.Z 128(R12), K3, Z10
	VMOVUPD.Z 192(R12), K4, Z11

coldevloop:
	VMOVUPD.Z (R11), K1, Z4
	VMOVUPD.Z 64(R11), K2, Z5
	VMOVUPD.Z 128(R11), K3, Z6
	VMOVUPD.Z 192(R11), K4, Z7
	VSUBPD    Z8, Z4, Z4 // a − mean
	VSUBPD    Z9, Z5, Z5
	VSUBPD    Z10, Z6, Z6
	VSUBPD    Z11, Z7, Z7
	VMULPD    Z4, Z4, Z4 // (a − mean)²
	VMULPD    Z5, Z5, Z5
	VMULPD    Z6, Z6, Z6
	VMULPD    Z7, Z7, Z7
	VADDPD    Z4, Z0, Z0
	VADDPD    Z5, Z1, Z1
	VADDPD    Z6, Z2, Z2
	VADDPD    Z7, Z3, Z3
	ADDQ      R8, R11
	DECQ      R13
	JNZ       coldevloop
	JMP       colstore

coldot:
	VMOVUPD.Z (R11), K1, Z4
	VMOVUPD.Z 64(R11), K2, Z5
	VMOVUPD.Z 128(R11), K3, Z6
	VMOVUPD.Z 192(R11), K4, Z7
	VMOVUPD.Z (R12), K1, Z8
	VMOVUPD.Z 64(R12), K2, Z9
	VMOVUPD.Z 128(R12), K3, Z10
	VMOVUPD.Z 192(R12), K4, Z11
	VMULPD    Z8, Z4, Z4 // a·b
	VMULPD    Z9, Z5, Z5
	VMULPD    Z10, Z6, Z6
	VMULPD    Z11, Z7, Z7
	VADDPD    Z4, Z0, Z0
	VADDPD    Z5, Z1, Z1
	VADDPD    Z6, Z2, Z2
	VADDPD    Z7, Z3, Z3
	ADDQ      R8, R11
	ADDQ      R8, R12
	DECQ      R13
	JNZ       coldot

colstore:
	VMOVUPD Z0, K1, (DI)
	VMOVUPD Z1, K2, 64(DI)
	VMOVUPD Z2, K3, 128(DI)
	VMOVUPD Z3, K4, 192(DI)
	ADDQ    $256, DI
	ADDQ    $256, SI
	ADDQ    $256, DX
	SUBQ    $32, CX
	JMP     colblock

colret:
	VZEROUPPER
	RET

// func normalizeGradAVX512(dx, dy, xhat, scale, meanDy, dgamma *float64, n int, count float64)
//
// The backward pass of batch normalisation for one row of n features:
// dx = scale·((dy − meanDy) − (xhat·dgamma)/count), 8 features at a time,
// the last 1 to 7 under a mask (K1): the operations of BatchNorm.Backward's
// loop, in its order.
TEXT ·normalizeGradAVX512(SB), NOSPLIT, $0-64
	MOVQ         dx+0(FP), DI
	MOVQ         dy+8(FP), SI
	MOVQ         xhat+16(FP), DX
	MOVQ         scale+24(FP), R8
	MOVQ         meanDy+32(FP), R9
	MOVQ         dgamma+40(FP), R10
	MOVQ         n+48(FP), CX
	VBROADCASTSD count+56(FP), Z7
	VECSTART(ngret)

ngloop:
	CMPQ CX, $8
	JGE  ngfull
	TAILMASK8 // the last 1 to 7 features

ngfull:
	VMOVUPD.Z (SI)(BX*1), K1, Z0  // dy
	VMOVUPD.Z (DX)(BX*1), K1, Z1  // xhat
	VMOVUPD.Z (R8)(BX*1), K1, Z2  // scale
	VMOVUPD.Z (R9)(BX*1), K1, Z3  // meanDy
	VMOVUPD.Z (R10)(BX*1), K1, Z4 // dgamma
	VSUBPD    Z3, Z0, Z0          // dy − meanDy
	VMULPD    Z4, Z1, Z1          // xhat·dgamma
	VDIVPD    Z7, Z1, Z1          // (xhat·dgamma)/count
	VSUBPD    Z1, Z0, Z0
	VMULPD    Z0, Z2, Z0          // scale·(…)
	VMOVUPD   Z0, K1, (DI)(BX*1)
	ADDQ      $64, BX
	SUBQ      $8, CX
	JG        ngloop

ngret:
	VZEROUPPER
	RET
