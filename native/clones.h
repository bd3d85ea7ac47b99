// NEURITE_CLONES: build a loop for AVX-512, AVX2 and the baseline and pick one at load
// (GCC's target_clones, on x86-64 Linux); elsewhere, one build for the target.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define NEURITE_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NEURITE_CLONES
#endif

// NEURITE_INLINE: a body inlined into each caller (each clone above compiles it for its target).
#if defined(__GNUC__)
#define NEURITE_INLINE __attribute__((always_inline)) inline
#else
#define NEURITE_INLINE inline
#endif
