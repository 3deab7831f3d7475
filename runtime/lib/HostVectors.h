//===- HostVectors.h - Tile loops for the host's widest vectors -----------===//
#ifndef TESSEL_RUNTIME_LIB_HOSTVECTORS_H
#define TESSEL_RUNTIME_LIB_HOSTVECTORS_H

/// Tile loops compiled for the host's widest vectors as well as the baseline (GCC picks one at
/// load time). Lanes keep the scalar order of additions, so every version gives the same bits.
/// What a clone calls is compiled once, for the baseline, unless it is inlined: its helpers are
/// `always_inline` (check the clones with `objdump -d` after changing them).
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) &&                    \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define TESSEL_WIDE_VECTORS                                                                \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
/// Tile-product kernels for particular hosts, chosen when the program runs (TileProducts.h): two
/// products at a time by AVX512-BF16's dot products, and sums in 8 lanes on x86-64-v3 hosts.
#define TESSEL_PAIRED_PRODUCTS 1
#else
#define TESSEL_WIDE_VECTORS
#define TESSEL_PAIRED_PRODUCTS 0
#endif

#endif
