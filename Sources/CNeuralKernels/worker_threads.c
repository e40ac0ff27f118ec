// Settings for DetectKit's own worker threads (NeuralCore's WorkerPool), Linux only; no-ops elsewhere.
#define _GNU_SOURCE
#include "CNeuralKernels.h"

#if defined(__linux__)
#include <sched.h>
#include <sys/prctl.h>

void dk_set_fine_timer_slack(void) { prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL); }

int dk_current_cpu(void) { return sched_getcpu(); }

void dk_avoid_cpu(int cpu) {
    cpu_set_t set;
    if (cpu < 0 || cpu >= CPU_SETSIZE || sched_getaffinity(0, sizeof set, &set) != 0) return;
    CPU_CLR(cpu, &set);
    if (CPU_COUNT(&set) > 0) sched_setaffinity(0, sizeof set, &set);
}
#else
void dk_set_fine_timer_slack(void) {}
int dk_current_cpu(void) { return -1; }
void dk_avoid_cpu(int cpu) { (void)cpu; }
#endif
