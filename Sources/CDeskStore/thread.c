#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include "CDeskStore.h"

// A helper thread the caller will wait for: placed on another CPU than the caller's from the
// start. Left to the scheduler, a new thread on this VM often first waited for the caller's
// own CPU (0.9 ms median at the console's start, up to 3 ms); put on an idle one it runs
// within ~0.1 ms. Only when the process may use another CPU; otherwise the attributes are
// left as they were.
int opsdesk_thread_attr_other_cpu(pthread_attr_t *attr) {
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return 0;
    int here = sched_getcpu();
    if (here >= 0 && here < CPU_SETSIZE) CPU_CLR(here, &allowed);
    if (CPU_COUNT(&allowed) == 0) return 0;
    return pthread_attr_setaffinity_np(attr, sizeof allowed, &allowed) == 0;
}
