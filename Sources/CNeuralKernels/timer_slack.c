#include "CNeuralKernels.h"

#if defined(__linux__)
#include <sys/prctl.h>

void dk_set_fine_timer_slack(void) { prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL); }
#else
void dk_set_fine_timer_slack(void) {}
#endif
