/* The baseline for tf.distribute's allReduce bandwidth (bench/distribute.ts): MPI_Allreduce of
 * float32 sums on the same buffer sizes, under the same launcher. Prints one JSON line per size
 * from rank 0: {"bytes": B, "seconds": median seconds per call}. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int compare(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  for (int i = 1; i < argc; i++) {
    const long bytes = atol(argv[i]);
    const long n = bytes / 4;
    float* in = malloc(n * sizeof(float));
    float* out = malloc(n * sizeof(float));
    for (long k = 0; k < n; k++) in[k] = (float)(k % 1000);
    const int reps = bytes >= (16 << 20) ? 9 : 51;
    double times[64];
    MPI_Allreduce(in, out, (int)n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);  /* warm-up */
    for (int r = 0; r < reps; r++) {
      MPI_Barrier(MPI_COMM_WORLD);
      const double t0 = MPI_Wtime();
      MPI_Allreduce(in, out, (int)n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
      times[r] = MPI_Wtime() - t0;
    }
    qsort(times, reps, sizeof(double), compare);
    if (rank == 0) printf("{\"bytes\": %ld, \"seconds\": %.9f}\n", bytes, times[reps / 2]);
    free(in);
    free(out);
  }
  MPI_Finalize();
  return 0;
}
