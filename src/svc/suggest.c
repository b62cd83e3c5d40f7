/* suggest.c - "did you mean": edit distance and the closest names.
 *
 * Pure string work, no JSON and no tables: callers feed it candidates. */
#include <stdio.h>
#include <string.h>

#include "suggest.h"

/* Case and separators folded: "MSE-Loss" reads as "mse_loss". */
static int fold(const char *s, char *out)
{
	size_t i = 0;
	for (; s[i]; i++) {
		if (i + 1 >= SUGGEST_LEN)
			return -1;
		char ch = s[i];
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		else if (ch == '-' || ch == '.' || ch == ' ')
			ch = '_';
		out[i] = ch;
	}
	out[i] = '\0';
	return (int)i;
}

static int min3(int a, int b, int c)
{
	int m = a < b ? a : b;
	return m < c ? m : c;
}

/* Both already folded.  Three rows of the DP: transpositions look two
 * back. */
static int distance(const char *a, int la, const char *b, int lb)
{
	int r0[SUGGEST_LEN], r1[SUGGEST_LEN], r2[SUGGEST_LEN];
	int *pp = r0, *p = r1, *c = r2;

	for (int j = 0; j <= lb; j++)
		p[j] = j;
	for (int i = 1; i <= la; i++) {
		c[0] = i;
		for (int j = 1; j <= lb; j++) {
			int sub = a[i - 1] != b[j - 1];
			c[j] = min3(p[j] + 1, c[j - 1] + 1, p[j - 1] + sub);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < c[j])
				c[j] = pp[j - 2] + 1;
		}
		int *t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[lb];
}

int suggest_distance(const char *a, const char *b)
{
	char fa[SUGGEST_LEN], fb[SUGGEST_LEN];
	int la = fold(a, fa), lb = fold(b, fb);
	if (la < 0 || lb < 0)
		return -1;
	return distance(fa, la, fb, lb);
}

void suggest_init(suggest *sg, const char *word)
{
	memset(sg, 0, sizeof *sg);
	if (fold(word, sg->word) < 0)
		sg->word[0] = '\0';
}

/* s is t with a '_'-separated word before or after it. */
static int affix(const char *s, int ls, const char *t, int lt)
{
	if (lt == 0 || ls <= lt + 1)
		return 0;
	return (!memcmp(s, t, (size_t)lt) && s[lt] == '_') ||
	       (!memcmp(s + ls - lt, t, (size_t)lt) && s[ls - lt - 1] == '_');
}

void suggest_add(suggest *sg, const char *name)
{
	char f[SUGGEST_LEN];
	int lw = (int)strlen(sg->word), ln = fold(name, f);

	if (!lw || ln <= 0)
		return;
	int d = distance(sg->word, lw, f, ln);
	int limit = ln / 3 > 1 ? ln / 3 : 1;
	int pre = 0;
	while (pre < lw && pre < ln && sg->word[pre] == f[pre])
		pre++;
	if (!(d <= limit && d < ln)) {
		/* A long shared start is a word cut or conjugated
		 * ("reduce" for "reduction"), an affix a qualifier. */
		if (!(pre >= 4 && 2 * pre >= ln) &&
		    !affix(sg->word, lw, f, ln) && !affix(f, ln, sg->word, lw))
			return;
		d = SUGGEST_LEN; /* behind any typo, level with each other */
	}
	/* Insertion into the kept few, closest first. */
	int at = sg->n;
	while (at > 0 && (d < sg->score[at - 1] ||
			  (d == sg->score[at - 1] && pre > sg->prefix[at - 1])))
		at--;
	if (at >= SUGGEST_MAX)
		return;
	int last = sg->n < SUGGEST_MAX ? sg->n : SUGGEST_MAX - 1;
	for (int k = last; k > at; k--) {
		sg->best[k] = sg->best[k - 1];
		sg->score[k] = sg->score[k - 1];
		sg->prefix[k] = sg->prefix[k - 1];
	}
	sg->best[at] = name;
	sg->score[at] = d;
	sg->prefix[at] = pre;
	if (sg->n < SUGGEST_MAX)
		sg->n++;
}

const char *suggest_text(const suggest *sg, char *buf, size_t n)
{
	size_t o = 0;

	if (!n)
		return buf;
	buf[0] = '\0';
	for (int k = 0; k < sg->n && o < n; k++) {
		/* Only the equally close: a worse name is noise. */
		if (sg->score[k] != sg->score[0])
			break;
		int w = snprintf(buf + o, n - o, "%s`%s`",
				 k ? " or " : "did you mean ", sg->best[k]);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	if (o && o + 1 < n) {
		buf[o++] = '?';
		buf[o] = '\0';
	}
	return buf;
}
