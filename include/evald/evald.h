/* evald.h - libevald, the math behind evald: one include for everything.
 *
 * libevald has no HTTP and no JSON: every function takes evald_tensor
 * views, returns 0 or a negative EVALD_E* code and fills out-parameters. */
#ifndef EVALD_EVALD_H
#define EVALD_EVALD_H

#include "classify.h"
#include "confusion.h"
#include "ctc.h"
#include "error.h"
#include "fid.h"
#include "gen.h"
#include "loss.h"
#include "moments.h"
#include "ot.h"
#include "ot1d.h"
#include "progress.h"
#include "rank.h"
#include "reduce.h"
#include "rng.h"
#include "tally.h"
#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Threads the BLAS may use inside one libevald call. */
void evald_set_threads(int n);

const char *evald_version(void);

#ifdef __cplusplus
}
#endif
#endif
