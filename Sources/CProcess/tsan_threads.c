// ThreadSanitizer builds only. librdkafka starts its threads with C11 thrd_create, which
// glibc implements by calling pthread_create internally, past TSan's interceptor: the
// runtime never learns of those threads and crashes on their first allocation. Defining
// the C11 calls here (the linker exports them because librdkafka needs them) routes them
// through the intercepted pthread functions.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#include <pthread.h>
#include <stdlib.h>
#include <threads.h>

struct c11_start {
    thrd_start_t function;
    void *argument;
};

static void *run_c11_start(void *context) {
    struct c11_start start = *(struct c11_start *)context;
    free(context);
    return (void *)(long)start.function(start.argument);
}

int thrd_create(thrd_t *thread, thrd_start_t function, void *argument) {
    struct c11_start *start = malloc(sizeof *start);
    if (start == NULL) return thrd_nomem;
    start->function = function;
    start->argument = argument;
    int error = pthread_create((pthread_t *)thread, NULL, run_c11_start, start);
    if (error != 0) free(start);
    return error == 0 ? thrd_success : thrd_error;
}

int thrd_join(thrd_t thread, int *result) {
    void *value;
    if (pthread_join((pthread_t)thread, &value) != 0) return thrd_error;
    if (result != NULL) *result = (int)(long)value;
    return thrd_success;
}

int thrd_detach(thrd_t thread) {
    return pthread_detach((pthread_t)thread) == 0 ? thrd_success : thrd_error;
}
#endif
#endif
