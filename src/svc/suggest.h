/* suggest.h - "did you mean": the names of a list closest to a misspelt
 * one, by edit distance with case folded.
 *
 * A collector, so that callers walk whatever holds their names (the
 * metric table, a row's inputs) without building a list:
 *
 *	suggest sg;
 *	suggest_init(&sg, word);
 *	for (...)
 *		suggest_add(&sg, name);
 *	suggest_text(&sg, buf, sizeof buf);	// "did you mean `mse`?" or ""
 */
#ifndef EVALD_SUGGEST_H
#define EVALD_SUGGEST_H

#include <stddef.h>

#define SUGGEST_MAX 3  /* names offered at most */
#define SUGGEST_LEN 64 /* longer words get no suggestion */

typedef struct suggest {
	char word[SUGGEST_LEN]; /* folded; "" when too long to compare */
	const char *best[SUGGEST_MAX];
	int score[SUGGEST_MAX];	 /* distance, lower is closer */
	int prefix[SUGGEST_MAX]; /* common prefix, breaks ties */
	int n;
} suggest;

/* Optimal string alignment distance of a and b with case folded and '-',
 * '.', ' ' read as '_' (insertions, deletions, substitutions and
 * transpositions of neighbours cost 1); -1 when either is longer than
 * SUGGEST_LEN - 1. */
int suggest_distance(const char *a, const char *b);

void suggest_init(suggest *sg, const char *word);

/* Consider one candidate; `name` must outlive sg.  It is close when its
 * distance is at most a third of its length (at least 1, and less than
 * its length: "z" does not suggest "x"), when the two share a start of 4
 * or more characters and at least half the name ("reduce" for
 * "reduction"), or when one is the other plus a '_'-separated affix
 * ("mse_loss", "wasserstein" for "wasserstein_1d"). */
void suggest_add(suggest *sg, const char *name);

/* "did you mean `a`?" or "did you mean `a` or `b`?" (the closest, ties by
 * the longer common prefix, then by order added) into buf; "" when no
 * candidate was close.  Returns buf. */
const char *suggest_text(const suggest *sg, char *buf, size_t n);

#endif
