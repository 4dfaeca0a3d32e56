/**
 * The MPI world of this process: `init()` finds out whether an MPI launcher started it
 * (mpirun, mpiexec, srun: their environment variables), loads libmpi through the addon
 * (native/mpi.cc: dlopen at run time, Open MPI or MPICH ABI) and ties the job's fate to the
 * process: an uncaught error prints its rank and aborts every rank, a clean exit finalizes
 * MPI. A process that no launcher started is a world of size 1 and loads nothing. This is the
 * only TS code that knows MPI exists; collectives.ts and optimizer.ts build on `mpi()`.
 */
import { platform } from 'node:os';
import { loadRawBinding } from '../backend/native/load.js';
import type { RawBinding } from '../backend/native/native-backend.js';

export interface WorldInfo {
  rank: number;
  size: number;
  /** The rank among the processes on this machine. */
  localRank: number;
  /** 'openmpi' or 'mpich' when MPI is in use; null for a single process without a launcher. */
  abi: 'openmpi' | 'mpich' | null;
  /** The libmpi file loaded, and its MPI_Get_library_version line. */
  library: string | null;
  version: string | null;
}

type Mpi = Required<Pick<RawBinding, 'mpiInit' | 'mpiAllReduce' | 'mpiAllGather' | 'mpiBroadcast' | 'mpiAllReduceAsync' | 'mpiAllGatherAsync' | 'mpiBroadcastAsync' | 'mpiBarrier' | 'mpiAbort' | 'mpiFinalize'>>;

let world: WorldInfo | null = null;
/** Called once a job of several ranks is joined (index.ts hands `fit` its data-parallel view). */
let onJoin: ((w: WorldInfo) => void) | null = null;
export function whenJoined(f: (w: WorldInfo) => void): void {
  onJoin = f;
}
let binding: Mpi | null = null;
let ended = false;

/** Environment variables that MPI launchers set in every rank (Open MPI, PMI/PMIx: MPICH, Slurm). */
const LAUNCHER_VARIABLES = ['OMPI_COMM_WORLD_SIZE', 'PMIX_RANK', 'PMI_RANK', 'PMI_SIZE', 'MPI_LOCALNRANKS'];

function launchedByMpi(): string | null {
  return LAUNCHER_VARIABLES.find((v) => process.env[v] !== undefined) ?? null;
}

/**
 * The libraries tried, in order: TAPEFLOW_MPI_LIB alone when set, else each ABI's usual names,
 * the launcher's own family first (Open MPI's mpirun sets OMPI_*, MPICH's Hydra sets PMI_*).
 */
export function libraryCandidates(): string[] {
  const forced = process.env.TAPEFLOW_MPI_LIB;
  if (forced) return [forced];
  const darwin = platform() === 'darwin';
  const openmpi = darwin ? ['libmpi.40.dylib'] : ['libmpi.so.40'];
  const mpich = darwin ? ['libmpich.12.dylib', 'libmpi.12.dylib'] : ['libmpich.so.12', 'libmpi.so.12'];
  const generic = darwin ? ['libmpi.dylib', 'libmpich.dylib'] : ['libmpi.so', 'libmpich.so'];
  const openmpiFirst = process.env.OMPI_COMM_WORLD_SIZE !== undefined || process.env.PMI_RANK === undefined;
  return openmpiFirst ? [...openmpi, ...mpich, ...generic] : [...mpich, ...openmpi, ...generic];
}

/**
 * Joins the MPI job this process was launched in (or makes a world of size 1), once; later
 * calls return the same world. Throws when a launcher started the process but no usable MPI
 * library loads, saying what was tried.
 */
export function init(): WorldInfo {
  if (world !== null) return world;
  if (ended) throw new Error('distribute.init: MPI was finalized in this process and cannot start again');
  const launcher = launchedByMpi();
  if (launcher === null) {
    world = { rank: 0, size: 1, localRank: 0, abi: null, library: null, version: null };
    return world;
  }
  const { binding: raw, error } = loadRawBinding();
  if (raw === null || typeof raw.mpiInit !== 'function') {
    throw new Error(`distribute.init: this process was started by an MPI launcher (${launcher} is set), but MPI needs tapeflow's native addon, which did not load: ${error ?? 'it has no MPI exports (rebuild with npm run build:native)'}`);
  }
  keepUcxOutOfLibc();
  let started: ReturnType<Mpi['mpiInit']>;
  try {
    started = raw.mpiInit(libraryCandidates());
  } catch (e) {
    throw new Error(`distribute.init: this process was started by an MPI launcher (${launcher} is set), but ${(e as Error).message.replace(/^mpiInit: /, '')}\nInstall Open MPI or MPICH (Debian: apt-get install openmpi-bin), or name the library with TAPEFLOW_MPI_LIB=/path/to/libmpi.so`);
  }
  binding = raw as Mpi;
  const localRank = Number(process.env.OMPI_COMM_WORLD_LOCAL_RANK ?? process.env.MPI_LOCALRANKID ?? process.env.SLURM_LOCALID ?? 0);
  world = { rank: started.rank, size: started.size, localRank, abi: started.abi, library: started.path, version: started.version.replace(/\s+/g, ' ') };
  tieProcessToJob(world.rank);
  if (world.size > 1 && onJoin !== null) onJoin(world);
  return world;
}

/**
 * UCX (the transport under Debian's MPICH, and Open MPI's `pml ucx`) by default patches libc's
 * mmap/munmap/brk in place while MPI_Init runs, to learn when registered memory goes away. A Node
 * process already runs V8's worker threads, which call those functions meanwhile; a thread that
 * meets a half-patched function corrupts the heap. Measured with MPICH 4 and UCX 1.13 on 3 ranks
 * (`mpiexec.mpich -np 3 node --import tsx test/distribute/worker.ts collectives`): 6 of 80 jobs
 * died of SIGSEGV in malloc or V8 without this (UCX_MEM_MALLOC_HOOKS=no did not help), none of 130 with UCX_MEM_EVENTS=no. The events
 * serve RDMA registration caches only; a user who wants them sets the variable themselves.
 * Set before libmpi loads, so UCX reads it at MPI_Init (Node's process.env writes the C environ).
 */
function keepUcxOutOfLibc(): void {
  process.env.UCX_MEM_EVENTS ??= 'no';
}

/**
 * An uncaught error in any rank must end the whole job, never leave the others waiting in a
 * collective: it is reported with the rank and MPI_Abort ends every process. A normal exit
 * (code 0) finalizes MPI, which mpirun requires of a successful rank.
 */
function tieProcessToJob(rank: number): void {
  process.on('uncaughtExceptionMonitor', (error, origin) => {
    process.stderr.write(`tapeflow.distribute: rank ${rank}: ${origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught error'}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  });
  process.on('exit', (code) => {
    if (ended || binding === null) return;
    ended = true;
    if (code === 0) {
      binding.mpiFinalize();
    } else {
      process.stderr.write(`tapeflow.distribute: rank ${rank} is exiting with status ${code}; aborting the MPI job\n`);
      binding.mpiAbort(Math.min(Math.max(code, 1), 255));
    }
  });
}

/** The world, after `init()` (a world of size 1 before it: collectives then act on this process alone). */
export function current(): WorldInfo {
  return world ?? { rank: 0, size: 1, localRank: 0, abi: null, library: null, version: null };
}

/** The MPI calls, or null in a world of size 1 without MPI. */
export function mpi(): Mpi | null {
  return ended ? null : binding;
}

/** This process's rank (0 before `init()`). */
export function rank(): number {
  return current().rank;
}

/** The number of processes in the job (1 before `init()`). */
export function size(): number {
  return current().size;
}

/** The rank among the processes on this machine. */
export function localRank(): number {
  return current().localRank;
}

/** Ends MPI early (it is also done at a clean exit); later collectives throw. */
export function shutdown(): void {
  onJoin?.({ rank: 0, size: 1, localRank: 0, abi: null, library: null, version: null });
  if (binding !== null && !ended) {
    ended = true;
    binding.mpiFinalize();
  }
}

/** Ends every rank of the job with `code` (MPI_Abort); in a world of size 1, exits this process. */
export function abort(code = 1): never {
  if (binding !== null && !ended) {
    ended = true;
    binding.mpiAbort(code);
  }
  process.exit(code);
}
