{
  "targets": [
    {
      "target_name": "neurite_native",
      "sources": ["native/addon.cc", "native/gemm.cc", "native/update.cc", "native/elementwise.cc", "native/window.cc", "native/conv.cc", "native/arith.cc", "native/layout.cc"],
      "cflags_cc!": ["-fno-exceptions", "-O2", "-O0"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-math-errno", "-ffp-contract=off", "-fno-trapping-math"],
      "xcode_settings": {
        "GCC_OPTIMIZATION_LEVEL": "3",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17"
      }
    }
  ]
}
