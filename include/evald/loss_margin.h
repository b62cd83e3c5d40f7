/* loss_margin.h - margin and embedding losses: margin_ranking,
 * hinge_embedding, soft_margin, multilabel_soft_margin, multi_margin,
 * multilabel_margin, cosine_embedding and triplet_margin, each equal to
 * the torch.nn.functional 1.13 function of that name (_loss dropped).
 *
 * The contract of loss.h holds (read-only views, *out filled on success
 * and owning nothing on failure, 0 or a negative EVALD_E* code, err->input
 * the argument's position with scalar parameters counted, EVALD_EEMPTY for
 * an empty tensor).  Tensors broadcast with one another (numpy's rules)
 * wherever torch's do, and only there.  A ±1 target is not checked: as in
 * torch, any other value selects the terms documented below. */
#ifndef EVALD_LOSS_MARGIN_H
#define EVALD_LOSS_MARGIN_H

#include "error.h"
#include "reduce.h"
#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* max(0, -target·(input1 - input2) + margin).  The three tensors have the
 * same number of dims (torch's check) and broadcast. */
int evald_margin_ranking(const evald_tensor *input1, const evald_tensor *input2,
			 const evald_tensor *target, double margin,
			 evald_reduction red, evald_result *out,
			 evald_err *err);

/* (target != 1 ? max(0, margin - input) : 0) + (target != -1 ? input : 0):
 * input where target is 1, the hinge where it is -1, both elsewhere. */
int evald_hinge_embedding(const evald_tensor *input, const evald_tensor *target,
			  double margin, evald_reduction red, evald_result *out,
			  evald_err *err);

/* log(1 + exp(-target·input)), computed as torch does (it overflows to
 * inf for -target·input beyond ~709).  target broadcasts to input's shape
 * (not the other way: torch writes into an input-shaped tensor). */
int evald_soft_margin(const evald_tensor *input, const evald_tensor *target,
		      evald_reduction red, evald_result *out, evald_err *err);

/* -(t·logσ(x) + (1 - t)·logσ(-x))·w summed over the last dim and divided
 * by C, input's last dim; one value per sample (the leading dims).  input
 * has at least one dim; target and weight (optional) broadcast with it
 * without adding dims. */
int evald_multilabel_soft_margin(const evald_tensor *input,
				 const evald_tensor *target,
				 const evald_tensor *weight,
				 evald_reduction red, evald_result *out,
				 evald_err *err);

/* Per sample with target class y: Σ_{i != y} w_y·max(0, margin - x[y] +
 * x[i])^p / C.  input is [N,C], [C] or 0-d (C = 1); target holds N class
 * indices (0-d or [N]; the values are [N] then, else 0-d); p is 1 or 2;
 * weight (optional) is a vector of length C. */
int evald_multi_margin(const evald_tensor *input, const evald_tensor *target,
		       int p, double margin, const evald_tensor *weight,
		       evald_reduction red, evald_result *out, evald_err *err);

/* Per sample: Σ_{j in targets} Σ_{i not a target} max(0, 1 - x[j] + x[i])
 * / C, where the targets are the row's class indices up to its first -1.
 * input is [N,C] (target [N,C], values [N]) or [C] / 0-d (target [C] /
 * 0-d, values 0-d); every target value is in [-1, C), as torch checks,
 * even after the first -1. */
int evald_multilabel_margin(const evald_tensor *input,
			    const evald_tensor *target, evald_reduction red,
			    evald_result *out, evald_err *err);

/* cos = Σ x1·x2 / sqrt((Σ x1² + ε)·(Σ x2² + ε)) over the last dim, with
 * torch's EPSILON, the float 1e-12 (9.99999996e-13); 1 - cos where target
 * is 1, max(0, cos - margin) where it is -1, 0 elsewhere.  input1 and
 * input2 are [N,D] with a target [N], or [D] with a 0-d target; they
 * broadcast, and the target with cos. */
int evald_cosine_embedding(const evald_tensor *input1,
			   const evald_tensor *input2,
			   const evald_tensor *target, double margin,
			   evald_reduction red, evald_result *out,
			   evald_err *err);

/* max(0, margin + d(a, p) - d(a, n)), d(x, y) = ‖x - y + eps‖_p over the
 * last dim (torch.pairwise_distance; p = 0 counts the non-zero
 * differences), and with `swap` d(a, n) replaced by min(d(a, n), d(p, n)).
 * The three have the same number of dims and broadcast; values are their
 * broadcast shape without the last dim. */
int evald_triplet_margin(const evald_tensor *anchor,
			 const evald_tensor *positive,
			 const evald_tensor *negative, double margin, double p,
			 double eps, int swap, evald_reduction red,
			 evald_result *out, evald_err *err);

#ifdef __cplusplus
}
#endif
#endif
