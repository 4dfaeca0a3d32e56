// MPI for tf.distribute, loaded at run time: the addon links no MPI, so the prebuilds install
// and import everywhere. `mpiInit` dlopens libmpi (the paths come from src/distribute/mpi.ts),
// tells the two ABI families apart and binds the dozen calls used here into one table:
//   - Open MPI (libmpi.so.40): handles are pointers to exported objects (MPI_COMM_WORLD is
//     &ompi_mpi_comm_world, MPI_FLOAT &ompi_mpi_float, MPI_SUM &ompi_mpi_op_sum);
//   - MPICH and its ABI family (libmpi.so.12: MPICH, Intel MPI, Cray): handles are integers
//     (MPI_COMM_WORLD 0x44000000, MPI_FLOAT 0x4c00040a, MPI_SUM 0x58000003).
// Open MPI is recognised by the presence of `ompi_mpi_comm_self`, as mpi4py does.
//
// All calls come from the JS thread (MPI_THREAD_FUNNELED). Buffers go to MPI as they are: the
// caller passes a fresh output array, so no copy is made here. Counts above INT_MAX are sent
// in pieces. MPI's default error handler ends the whole job on a communication error, which
// is what a data-parallel job wants.
#include <napi.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "args.h"

#ifndef _WIN32
#include <dlfcn.h>
#endif

namespace tapeflow {
namespace mpi {
namespace {

constexpr int kThreadFunneled = 1;  // MPI_THREAD_FUNNELED in both ABIs

// The calls and handles of one ABI; H is the handle type (void* for Open MPI, int for MPICH).
template <class H>
struct Api {
  int (*init_thread)(int*, char***, int, int*) = nullptr;
  int (*initialized)(int*) = nullptr;
  int (*finalized)(int*) = nullptr;
  int (*finalize)() = nullptr;
  int (*comm_rank)(H, int*) = nullptr;
  int (*comm_size)(H, int*) = nullptr;
  int (*allreduce)(const void*, void*, int, H, H, H) = nullptr;
  int (*allgather)(const void*, int, H, void*, int, H, H) = nullptr;
  int (*bcast)(void*, int, H, int, H) = nullptr;
  int (*barrier)(H) = nullptr;
  int (*abort)(H, int) = nullptr;
  int (*get_library_version)(char*, int*) = nullptr;
  H comm_world{}, f32{}, f64{}, i32{}, op_sum{}, op_max{}, op_min{};
};

enum class Abi { none, openmpi, mpich };

struct State {
  void* lib = nullptr;
  Abi abi = Abi::none;
  Api<void*> ompi;
  Api<int> mpich;
  int rank = 0;
  int size = 1;
  bool finalized = false;
  std::string path;
};
State g;

#ifndef _WIN32
template <class F>
void bind(void* lib, const char* name, F& fn, std::string& missing) {
  void* p = dlsym(lib, name);
  if (p == nullptr) missing += std::string(missing.empty() ? "" : ", ") + name;
  fn = reinterpret_cast<F>(p);
}

template <class H>
void bind_calls(void* lib, Api<H>& a, std::string& missing) {
  bind(lib, "MPI_Init_thread", a.init_thread, missing);
  bind(lib, "MPI_Initialized", a.initialized, missing);
  bind(lib, "MPI_Finalized", a.finalized, missing);
  bind(lib, "MPI_Finalize", a.finalize, missing);
  bind(lib, "MPI_Comm_rank", a.comm_rank, missing);
  bind(lib, "MPI_Comm_size", a.comm_size, missing);
  bind(lib, "MPI_Allreduce", a.allreduce, missing);
  bind(lib, "MPI_Allgather", a.allgather, missing);
  bind(lib, "MPI_Bcast", a.bcast, missing);
  bind(lib, "MPI_Barrier", a.barrier, missing);
  bind(lib, "MPI_Abort", a.abort, missing);
  bind(lib, "MPI_Get_library_version", a.get_library_version, missing);
}

void* object(void* lib, const char* name, std::string& missing) {
  void* p = dlsym(lib, name);
  if (p == nullptr) missing += std::string(missing.empty() ? "" : ", ") + name;
  return p;
}
#endif

template <class H>
void start(Api<H>& a, const char* kernel) {
  int already = 0;
  a.initialized(&already);
  if (!already) {
    int provided = 0;
    if (a.init_thread(nullptr, nullptr, kThreadFunneled, &provided) != 0)
      throw ArgError{false, std::string(kernel) + ": MPI_Init_thread failed"};
  }
  a.comm_rank(a.comm_world, &g.rank);
  a.comm_size(a.comm_world, &g.size);
}

template <class H>
std::string library_version(Api<H>& a) {
  std::vector<char> text(8192, '\0');  // MPICH's MPI_MAX_LIBRARY_VERSION_STRING; Open MPI's is 256
  int len = 0;
  a.get_library_version(text.data(), &len);
  std::string s(text.data(), size_t(len > 0 && len < int(text.size()) ? len : 0));
  while (!s.empty() && (s.back() == '\n' || s.back() == '\0' || s.back() == ' ')) s.pop_back();
  return s.substr(0, s.find('\n'));
}

[[noreturn]] void not_ready(const char* kernel) {
  throw ArgError{false, std::string(kernel) + (g.finalized ? ": MPI was finalized" : ": MPI is not initialized (call tf.distribute.init())")};
}

// Elements per MPI call: counts are C ints.
constexpr int64_t kChunk = int64_t(1) << 30;

template <class H>
H datatype(Api<H>& a, DType d) {
  return d == DType::f32 ? a.f32 : d == DType::f64 ? a.f64 : a.i32;
}

template <class H>
void all_reduce(Api<H>& a, const Array& x, const Array& out, int op) {
  const H handle = op == 0 ? a.op_sum : op == 1 ? a.op_max : a.op_min;
  const int size = dtype_size(x.dtype);
  for (int64_t at = 0; at < x.length; at += kChunk) {
    const int n = int(std::min(kChunk, x.length - at));
    a.allreduce(static_cast<const char*>(x.data) + at * size, static_cast<char*>(out.data) + at * size, n, datatype(a, x.dtype), handle, a.comm_world);
  }
}

template <class H>
void all_gather(Api<H>& a, const Array& x, const Array& out) {
  a.allgather(x.data, int(x.length), datatype(a, x.dtype), out.data, int(x.length), datatype(a, x.dtype), a.comm_world);
}

template <class H>
void broadcast(Api<H>& a, const Array& buf, int root) {
  const int size = dtype_size(buf.dtype);
  for (int64_t at = 0; at < buf.length; at += kChunk) {
    const int n = int(std::min(kChunk, buf.length - at));
    a.bcast(static_cast<char*>(buf.data) + at * size, n, datatype(a, buf.dtype), root, a.comm_world);
  }
}

template <class F>
void with_api(const char* kernel, F&& f) {
  if (g.abi == Abi::none || g.finalized) not_ready(kernel);
  if (g.abi == Abi::openmpi) f(g.ompi);
  else f(g.mpich);
}

void need_collective_dtype(const Args& args, const Array& a, const char* name) {
  if (a.dtype == DType::u8) args.type_error(std::string(name) + " must be float32, float64 or int32, got bool");
}

}  // namespace

// mpiInit(paths: string[]) -> {abi, path, version, rank, size}. Tries each path with dlopen
// (RTLD_GLOBAL: Open MPI's plugins resolve libmpi's symbols through the global scope); the
// error lists every path and dlerror's reason.
Napi::Value mpi_init(const Napi::CallbackInfo& info) {
  Args args(info, "mpiInit", 1);
  Napi::Env env = info.Env();
  auto result = [&]() {
    Napi::Object o = Napi::Object::New(env);
    o.Set("abi", g.abi == Abi::openmpi ? "openmpi" : "mpich");
    o.Set("path", g.path);
    o.Set("version", g.abi == Abi::openmpi ? library_version(g.ompi) : library_version(g.mpich));
    o.Set("rank", g.rank);
    o.Set("size", g.size);
    return o;
  };
  if (g.finalized) args.type_error("MPI was finalized and cannot be started again in this process");
  if (g.abi != Abi::none) return result();
#ifdef _WIN32
  args.type_error("MPI is supported on Linux and macOS only");
#else
  Napi::Value list = info[0];
  if (!list.IsArray()) args.type_error("paths must be an array of strings");
  Napi::Array paths = list.As<Napi::Array>();
  std::string tried;
  for (uint32_t i = 0; i < paths.Length() && i < 64; i++) {
    Napi::Value v = paths.Get(i);
    if (!v.IsString()) args.type_error("paths must be an array of strings");
    const std::string path = v.As<Napi::String>().Utf8Value();
    if (path.empty()) args.type_error("paths must not be empty strings");  // dlopen("") is the program itself
    void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
    if (lib == nullptr) {
      const char* why = dlerror();
      tried += "\n  " + path + ": " + (why ? why : "not found");
      continue;
    }
    std::string missing;
    if (dlsym(lib, "ompi_mpi_comm_self") != nullptr) {
      Api<void*>& a = g.ompi;
      bind_calls(lib, a, missing);
      a.comm_world = object(lib, "ompi_mpi_comm_world", missing);
      a.f32 = object(lib, "ompi_mpi_float", missing);
      a.f64 = object(lib, "ompi_mpi_double", missing);
      a.i32 = object(lib, "ompi_mpi_int", missing);
      a.op_sum = object(lib, "ompi_mpi_op_sum", missing);
      a.op_max = object(lib, "ompi_mpi_op_max", missing);
      a.op_min = object(lib, "ompi_mpi_op_min", missing);
      if (missing.empty()) {
        g.abi = Abi::openmpi;
      }
    } else {
      Api<int>& a = g.mpich;
      bind_calls(lib, a, missing);
      a.comm_world = 0x44000000;
      a.f32 = 0x4c00040a;
      a.f64 = 0x4c00080b;
      a.i32 = 0x4c000405;
      a.op_max = 0x58000001;
      a.op_min = 0x58000002;
      a.op_sum = 0x58000003;
      if (missing.empty()) g.abi = Abi::mpich;
    }
    if (g.abi == Abi::none) {
      tried += "\n  " + path + ": loaded, but it lacks " + missing;
      dlclose(lib);
      continue;
    }
    g.lib = lib;
    g.path = path;
    if (g.abi == Abi::openmpi) start(g.ompi, "mpiInit");
    else start(g.mpich, "mpiInit");
    return result();
  }
  args.type_error("no usable MPI library; tried:" + (tried.empty() ? std::string(" (no paths)") : tried));
#endif
}

// mpiAllReduce(x, out, op): out = op over ranks of x; op 0 sum, 1 max, 2 min.
Napi::Value mpi_all_reduce(const Napi::CallbackInfo& info) {
  Args args(info, "mpiAllReduce", 3);
  napi_value xh = args.typed(0, "x"), oh = args.typed(1, "out");
  const int op = int(args.integer(2, "op", 0, 2));
  Array x = args.resolve(xh, "x");
  Array out = args.resolve_out(oh, "out");
  need_collective_dtype(args, x, "x");
  args.need_dtype(out, x.dtype, "out");
  args.need_length(out, x.length, "out");
  with_api("mpiAllReduce", [&](auto& a) { if (x.length > 0) all_reduce(a, x, out, op); });
  return info.Env().Undefined();
}

// mpiAllGather(x, out): out holds every rank's x in rank order (out.length = size · x.length).
Napi::Value mpi_all_gather(const Napi::CallbackInfo& info) {
  Args args(info, "mpiAllGather", 2);
  napi_value xh = args.typed(0, "x"), oh = args.typed(1, "out");
  Array x = args.resolve(xh, "x");
  Array out = args.resolve_out(oh, "out");
  need_collective_dtype(args, x, "x");
  args.need_dtype(out, x.dtype, "out");
  if (x.length > INT_MAX) args.range_error("x has more than 2^31 - 1 elements, more than one MPI_Allgather sends");
  with_api("mpiAllGather", [&](auto& a) {
    args.need_length(out, x.length * g.size, "out");
    if (x.length > 0) all_gather(a, x, out);
  });
  return info.Env().Undefined();
}

// mpiBroadcast(buf, root): buf takes root's values on every rank (in place).
Napi::Value mpi_broadcast(const Napi::CallbackInfo& info) {
  Args args(info, "mpiBroadcast", 2);
  napi_value bh = args.typed(0, "buffer");
  const int64_t root = args.integer(1, "root", 0, INT_MAX);
  Array buf = args.resolve_out(bh, "buffer");
  need_collective_dtype(args, buf, "buffer");
  with_api("mpiBroadcast", [&](auto& a) {
    if (root >= g.size) args.range_error("root " + std::to_string(root) + " is not a rank of a world of size " + std::to_string(g.size));
    if (buf.length > 0) broadcast(a, buf, int(root));
  });
  return info.Env().Undefined();
}

Napi::Value mpi_barrier(const Napi::CallbackInfo& info) {
  Args args(info, "mpiBarrier", 0);
  with_api("mpiBarrier", [&](auto& a) { a.barrier(a.comm_world); });
  return info.Env().Undefined();
}

// mpiAbort(code): ends every rank of the job (MPI_Abort does not return on success).
Napi::Value mpi_abort(const Napi::CallbackInfo& info) {
  Args args(info, "mpiAbort", 1);
  const int code = int(args.integer(0, "code", 0, 255));
  with_api("mpiAbort", [&](auto& a) { a.abort(a.comm_world, code); });
  return info.Env().Undefined();
}

Napi::Value mpi_finalize(const Napi::CallbackInfo& info) {
  Args args(info, "mpiFinalize", 0);
  if (g.abi == Abi::none || g.finalized) return info.Env().Undefined();
  with_api("mpiFinalize", [&](auto& a) {
    int done = 0;
    a.finalized(&done);
    if (!done) a.finalize();
  });
  g.finalized = true;
  return info.Env().Undefined();
}

}  // namespace mpi
}  // namespace tapeflow
