// The widest instruction set the neural kernels can use on this CPU, worked out once per process.
#include "CNeuralKernels.h"

#include <pthread.h>

static int best_level = 0;
static pthread_once_t best_level_once = PTHREAD_ONCE_INIT;

static void find_best_level(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("fma")) {
        best_level = 2;
    } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        best_level = 1;
    }
#endif
}

int dk_neural_best_level(void) {
    pthread_once(&best_level_once, find_best_level);
    return best_level;
}
