// MPI for tf.distribute, loaded at run time: the addon links no MPI, so the prebuilds install
// and import everywhere. `mpiInit` dlopens libmpi (the paths come from src/distribute/mpi.ts),
// tells the two ABI families apart and binds the dozen calls used here into one table:
//   - Open MPI (libmpi.so.40): handles are pointers to exported objects (MPI_COMM_WORLD is
//     &ompi_mpi_comm_world, MPI_FLOAT &ompi_mpi_float, MPI_SUM &ompi_mpi_op_sum);
//   - MPICH and its ABI family (libmpi.so.12: MPICH, Intel MPI, Cray): handles are integers
//     (MPI_COMM_WORLD 0x44000000, MPI_FLOAT 0x4c00040a, MPI_SUM 0x58000003).
// Open MPI is recognised by the presence of `ompi_mpi_comm_self`, as mpi4py does.
//
// Two threads call MPI, never at once (MPI_THREAD_SERIALIZED): the JS thread for init, the
// blocking collectives and finalize, and the MPI thread for the collectives started by the
// *Async exports. Those run one at a time in the order they were started (every rank must
// start them in the same order, as MPI requires); a blocking collective first waits until
// that queue is empty, so the two kinds keep their program order too. An async call holds
// references to its arrays until its Promise settles on the JS thread. When the library gives
// less than SERIALIZED, async calls run at once on the JS thread and return a settled Promise.
// Buffers go to MPI as they are: the caller passes a fresh output array, so no copy is made
// here. Counts above INT_MAX are sent in pieces. MPI's default error handler ends the whole
// job on a communication error, which is what a data-parallel job wants.
#include <napi.h>

#include <algorithm>
#include <climits>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "args.h"

#ifndef _WIN32
#include <dlfcn.h>
#endif

namespace tapeflow {
namespace mpi {
namespace {

constexpr int kThreadSerialized = 2;  // MPI_THREAD_SERIALIZED in both ABIs (SINGLE 0 … MULTIPLE 3)

// The calls and handles of one ABI; H is the handle type (void* for Open MPI, int for MPICH).
template <class H>
struct Api {
  int (*init_thread)(int*, char***, int, int*) = nullptr;
  int (*initialized)(int*) = nullptr;
  int (*finalized)(int*) = nullptr;
  int (*finalize)() = nullptr;
  int (*query_thread)(int*) = nullptr;
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
  int thread_level = 0;  // what MPI provided
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
  bind(lib, "MPI_Query_thread", a.query_thread, missing);
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
    if (a.init_thread(nullptr, nullptr, kThreadSerialized, &provided) != 0)
      throw ArgError{false, std::string(kernel) + ": MPI_Init_thread failed"};
  }
  a.query_thread(&g.thread_level);
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

// One collective with its checked arguments (op: 0 sum, 1 max, 2 min; root for broadcast).
struct Collective {
  enum Kind { all_reduce, all_gather, broadcast, barrier } kind;
  Array x, out;
  int op = 0, root = 0;
};

void execute(const Collective& c, const char* kernel) {
  with_api(kernel, [&](auto& a) {
    switch (c.kind) {
      case Collective::all_reduce: if (c.x.length > 0) all_reduce(a, c.x, c.out, c.op); break;
      case Collective::all_gather: if (c.x.length > 0) all_gather(a, c.x, c.out); break;
      case Collective::broadcast: if (c.out.length > 0) broadcast(a, c.out, c.root); break;
      case Collective::barrier: a.barrier(a.comm_world); break;
    }
  });
}

// A collective started by an *Async export: its arrays stay referenced (so not collected)
// until the Promise settles on the JS thread.
struct Pending {
  Collective c;
  const char* kernel;
  Napi::Promise::Deferred deferred;
  std::vector<Napi::ObjectReference> keep;
  std::string error;  // set by the MPI thread when the collective failed
};

// The MPI thread and its FIFO. `settle` hands finished work back to the JS thread.
struct Queue {
  std::mutex m;
  std::condition_variable work, idle;
  std::deque<Pending*> todo;
  bool busy = false, stop = false;
  std::thread thread;
  Napi::ThreadSafeFunction settle;
  int64_t unsettled = 0;  // JS thread only: started and not yet settled
};
Queue& q = *new Queue;  // never destroyed: a still-running thread must not meet ~thread at exit

void mpi_thread() {
  for (;;) {
    Pending* p;
    {
      std::unique_lock<std::mutex> lock(q.m);
      q.work.wait(lock, [] { return q.stop || !q.todo.empty(); });
      if (q.todo.empty()) return;
      p = q.todo.front();
      q.todo.pop_front();
      q.busy = true;
    }
    try {
      execute(p->c, p->kernel);
    } catch (const ArgError& e) {
      p->error = e.message;
    } catch (...) {
      p->error = std::string(p->kernel) + ": internal error";
    }
    {
      std::lock_guard<std::mutex> lock(q.m);
      q.busy = false;
      if (q.todo.empty()) q.idle.notify_all();
    }
    q.settle.BlockingCall(p, [](Napi::Env env, Napi::Function, Pending* done) {
      std::unique_ptr<Pending> owned(done);  // (not called once the environment is torn down)
      if (owned->error.empty()) owned->deferred.Resolve(env.Undefined());
      else owned->deferred.Reject(Napi::Error::New(env, owned->error).Value());
      if (--q.unsettled == 0) q.settle.Unref(env);
    });
  }
}

// Blocks the JS thread until every started async collective has run.
void drain() {
  std::unique_lock<std::mutex> lock(q.m);
  q.idle.wait(lock, [] { return q.todo.empty() && !q.busy; });
}

void stop_thread() {
  if (!q.thread.joinable()) return;
  drain();
  {
    std::lock_guard<std::mutex> lock(q.m);
    q.stop = true;
  }
  q.work.notify_all();
  q.thread.join();
  q.settle.Release();
}

void run_now(const Collective& c, const char* kernel) {
  drain();
  execute(c, kernel);
}

// Starts `c` on the MPI thread (or runs it now without SERIALIZED) and returns its Promise.
Napi::Value start_async(const Napi::CallbackInfo& info, const Collective& c, const char* kernel, std::initializer_list<size_t> arrays) {
  Napi::Env env = info.Env();
  if (g.abi == Abi::none || g.finalized) not_ready(kernel);
  auto p = std::make_unique<Pending>(Pending{c, kernel, Napi::Promise::Deferred::New(env), {}, {}});
  Napi::Promise promise = p->deferred.Promise();
  if (g.thread_level < kThreadSerialized) {
    execute(c, kernel);
    p->deferred.Resolve(env.Undefined());
    return promise;
  }
  for (size_t i : arrays) p->keep.push_back(Napi::Persistent(info[i].As<Napi::Object>()));
  if (!q.thread.joinable()) {
    q.settle = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}), "tapeflow MPI", 0, 1);
    q.settle.Unref(env);
    q.thread = std::thread(mpi_thread);
  }
  if (q.unsettled++ == 0) q.settle.Ref(env);
  {
    std::lock_guard<std::mutex> lock(q.m);
    q.todo.push_back(p.release());
  }
  q.work.notify_one();
  return promise;
}

}  // namespace

// mpiInit(paths: string[]) -> {abi, path, version, rank, size, threadLevel}. Tries each path with dlopen
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
    o.Set("threadLevel", g.thread_level);
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
// The *Async form returns a Promise<void> that settles when out holds the result.
Collective all_reduce_args(Args& args) {
  napi_value xh = args.typed(0, "x"), oh = args.typed(1, "out");
  const int op = int(args.integer(2, "op", 0, 2));
  Collective c{Collective::all_reduce, args.resolve(xh, "x"), args.resolve_out(oh, "out"), op, 0};
  need_collective_dtype(args, c.x, "x");
  args.need_dtype(c.out, c.x.dtype, "out");
  args.need_length(c.out, c.x.length, "out");
  return c;
}

// mpiAllGather(x, out): out holds every rank's x in rank order (out.length = size · x.length).
Collective all_gather_args(Args& args, const char* kernel) {
  napi_value xh = args.typed(0, "x"), oh = args.typed(1, "out");
  Collective c{Collective::all_gather, args.resolve(xh, "x"), args.resolve_out(oh, "out"), 0, 0};
  need_collective_dtype(args, c.x, "x");
  args.need_dtype(c.out, c.x.dtype, "out");
  if (c.x.length > INT_MAX) args.range_error("x has more than 2^31 - 1 elements, more than one MPI_Allgather sends");
  if (g.abi == Abi::none || g.finalized) not_ready(kernel);
  args.need_length(c.out, c.x.length * g.size, "out");
  return c;
}

// mpiBroadcast(buf, root): buf takes root's values on every rank (in place).
Collective broadcast_args(Args& args, const char* kernel) {
  napi_value bh = args.typed(0, "buffer");
  const int64_t root = args.integer(1, "root", 0, INT_MAX);
  Collective c{Collective::broadcast, {}, args.resolve_out(bh, "buffer"), 0, int(root)};
  need_collective_dtype(args, c.out, "buffer");
  if (g.abi == Abi::none || g.finalized) not_ready(kernel);
  if (root >= g.size) args.range_error("root " + std::to_string(root) + " is not a rank of a world of size " + std::to_string(g.size));
  return c;
}

Napi::Value mpi_all_reduce(const Napi::CallbackInfo& info) {
  Args args(info, "mpiAllReduce", 3);
  run_now(all_reduce_args(args), "mpiAllReduce");
  return info.Env().Undefined();
}

Napi::Value mpi_all_reduce_async(const Napi::CallbackInfo& info) {
  Args args(info, "mpiAllReduceAsync", 3);
  return start_async(info, all_reduce_args(args), "mpiAllReduceAsync", {0, 1});
}

Napi::Value mpi_all_gather(const Napi::CallbackInfo& info) {
  Args args(info, "mpiAllGather", 2);
  run_now(all_gather_args(args, "mpiAllGather"), "mpiAllGather");
  return info.Env().Undefined();
}

Napi::Value mpi_all_gather_async(const Napi::CallbackInfo& info) {
  Args args(info, "mpiAllGatherAsync", 2);
  return start_async(info, all_gather_args(args, "mpiAllGatherAsync"), "mpiAllGatherAsync", {0, 1});
}

Napi::Value mpi_broadcast(const Napi::CallbackInfo& info) {
  Args args(info, "mpiBroadcast", 2);
  run_now(broadcast_args(args, "mpiBroadcast"), "mpiBroadcast");
  return info.Env().Undefined();
}

Napi::Value mpi_broadcast_async(const Napi::CallbackInfo& info) {
  Args args(info, "mpiBroadcastAsync", 2);
  return start_async(info, broadcast_args(args, "mpiBroadcastAsync"), "mpiBroadcastAsync", {0});
}

Napi::Value mpi_barrier(const Napi::CallbackInfo& info) {
  Args args(info, "mpiBarrier", 0);
  run_now(Collective{Collective::barrier, {}, {}, 0, 0}, "mpiBarrier");
  return info.Env().Undefined();
}

// mpiAbort(code): ends every rank of the job (MPI_Abort does not return on success). The one
// call made while the MPI thread may be inside a collective: the job is ending either way.
Napi::Value mpi_abort(const Napi::CallbackInfo& info) {
  Args args(info, "mpiAbort", 1);
  const int code = int(args.integer(0, "code", 0, 255));
  with_api("mpiAbort", [&](auto& a) { a.abort(a.comm_world, code); });
  return info.Env().Undefined();
}

Napi::Value mpi_finalize(const Napi::CallbackInfo& info) {
  Args args(info, "mpiFinalize", 0);
  if (g.abi == Abi::none || g.finalized) return info.Env().Undefined();
  stop_thread();
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
