{
  "targets": [
    {
      "target_name": "tapeflow",
      "sources": [
        "native/addon.cc",
        "native/threadpool.cc",
        "native/probes.cc",
        "native/cpu.cc",
        "native/mpi.cc",
        "native/kernels/unary.cc",
        "native/kernels/binary.cc",
        "native/kernels/reduce.cc",
        "native/kernels/scan.cc",
        "native/kernels/matmul.cc",
        "native/kernels/conv.cc",
        "native/kernels/copy.cc",
        "native/kernels/optim.cc",
        "native/kernels/lstm.cc",
        "native/kernels/softmax.cc",
        "native/kernels/attention.cc",
        "native/simd/dispatch.cc",
        "native/simd/level_scalar.cc",
        "native/simd/level_avx2.cc",
        "native/simd/level_avx512.cc",
        "native/simd/level_neon.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions", "-O2", "-O0"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20", "-O2", "-O0"],
      "cflags": ["-O3", "-ffp-contract=off"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-ffp-contract=off"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "CLANG_CXX_LIBRARY": "libc++",
        "MACOSX_DEPLOYMENT_TARGET": "10.15",
        "GCC_OPTIMIZATION_LEVEL": "3",
        "OTHER_CFLAGS": ["-ffp-contract=off"]
      },
      "msvs_settings": {
        "VCCLCompilerTool": {
          "ExceptionHandling": 1,
          "AdditionalOptions": ["/std:c++17", "/fp:precise", "/Zc:__cplusplus"]
        }
      },
      "conditions": [
        ["OS=='linux'", { "libraries": ["-ldl"] }]
      ],
      "configurations": {
        "Release": { "msvs_settings": { "VCCLCompilerTool": { "Optimization": 2 } } }
      }
    }
  ]
}
