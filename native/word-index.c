// word-index: the prefilter's search for the whole-kernel scan. Reads every file once (in threads) and keeps, per
// file, a 32-bit hash of each distinct word (a maximal run of [A-Za-z0-9_] that starts with a letter or _), and a
// second key for the words it uses as members (after `.` or `->`, blanks between). It then answers "which files hold
// any of these words" from memory, so the prefilter's rounds do not read the tree again. A hash collision can only
// add a file to an answer (the scan reads and classifies it), never drop one: the prefilter allows a superset.
//
// Usage: word-index [THREADS [MAX_BYTES]]. Protocol (stdin/stdout): paths, each ended by NUL, then an empty path;
// "ready FILES WORDS" once indexed. Then one query per line, words separated by blanks (".word": the word used as a
// member); the answer is one line of file numbers (0-based, ascending), including every file that could not be read,
// or is over MAX_BYTES (the scan's size limit: it skips such a file, with its warning, when it meets it).
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define CHUNK 16 /* files taken at a time by a thread */
#define PAD 136  /* zero bytes after a file's text: the last block of 64, and 8-byte loads past it */
#define LEAD 16  /* bytes before it, the last one zero: the first block's loads of "the byte before" */
#define MAX_FILE ((size_t)1 << 30) /* the default MAX_BYTES */

/* One reading thread; on cache lines of its own, since the threads write their counters all the time. */
typedef struct {
  _Alignas(128) uint32_t *out; /* records: file number, count, then that many hashes */
  size_t len, cap;
  unsigned char *buf; /* the file being read */
  size_t bufcap;
  uint32_t *fhash, *fgen; /* this file's distinct hashes (a slot is in use when its generation is the file's) */
  size_t fcap, fmask, fused;
  uint32_t gen;
} Thread;

static char **files;
static size_t nfiles;
static unsigned char *unreadable;
static atomic_size_t next_file;
static size_t max_bytes = MAX_FILE; /* larger files are not read (kernel: 23 files, 227 MB over 5 MiB) */
static unsigned char wordc[256], startc[256];

static void die(const char *m) {
  fprintf(stderr, "word-index: %s\n", m);
  exit(2);
}

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n);
  if (!q) die("out of memory");
  return q;
}

static inline uint32_t hash_bytes(const unsigned char *s, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, s, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdULL;
    h ^= h >> 29;
    s += 8;
    n -= 8;
  }
  if (n) { /* the buffers have 8 readable bytes past any word: load them all, keep the word's */
    uint64_t w;
    memcpy(&w, s, 8);
    w &= ~0ULL >> (64 - 8 * n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 29;
  }
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return (uint32_t)h;
}

/* A query's word, copied so that hash_bytes may read 8 bytes past it. */
static uint32_t hash_word(const char *w) {
  size_t n = strlen(w);
  unsigned char *b = calloc(n + 9, 1);
  if (!b) die("out of memory");
  memcpy(b, w, n);
  uint32_t h = hash_bytes(b, n);
  free(b);
  return h;
}

/* The key of a word used as a member: another hash (a collision only adds a file to an answer). */
static inline uint32_t member_key(uint32_t h) {
  uint32_t x = (h ^ 0x9E3779B9u) * 0x85EBCA6Bu;
  return x ^ (x >> 16);
}

static void push(Thread *t, uint32_t v) {
  if (t->len == t->cap) {
    t->cap = t->cap ? t->cap * 2 : 1 << 20;
    t->out = xrealloc(t->out, t->cap * sizeof(uint32_t));
  }
  t->out[t->len++] = v;
}

/* Room for this file's distinct hashes: a table sized to the file, so that a small file's stay in cache. */
static void fsize(Thread *t, size_t slots) {
  if (slots > t->fcap) {
    t->fhash = xrealloc(t->fhash, slots * 4);
    t->fgen = xrealloc(t->fgen, slots * 4);
    memset(t->fgen + t->fcap, 0, (slots - t->fcap) * 4);
    t->fcap = slots;
  }
  t->fmask = slots - 1;
}

/* Twice the slots for the current file: its hashes so far are put in again. */
static void fgrow(Thread *t) {
  size_t old = t->fmask + 1, n = 0;
  uint32_t *keep = xrealloc(NULL, old * 4);
  for (size_t i = 0; i < old; i++)
    if (t->fgen[i] == t->gen) keep[n++] = t->fhash[i];
  fsize(t, old * 2);
  if (++t->gen == 0) {
    memset(t->fgen, 0, t->fcap * 4);
    t->gen = 1;
  }
  for (size_t i = 0; i < n; i++) {
    size_t j = keep[i] & t->fmask;
    while (t->fgen[j] == t->gen) j = (j + 1) & t->fmask;
    t->fgen[j] = t->gen;
    t->fhash[j] = keep[i];
  }
  free(keep);
}

/* The 64 bytes at p, as bit masks (bit i: byte i). */
typedef struct {
  uint64_t word;  /* [A-Za-z0-9_] */
  uint64_t blank; /* blanks and `\\` (line splices) */
  uint64_t mark;  /* what makes a following word a member: `.`, the `>` of `->`, the `/` of a comment's end */
} Masks;

static inline Masks masks64(const unsigned char *p) {
  Masks r = {0, 0, 0};
#ifdef __SSE2__
  const __m128i a1 = _mm_set1_epi8('a' - 1), z1 = _mm_set1_epi8('z' + 1), d0 = _mm_set1_epi8('0' - 1), d9 = _mm_set1_epi8('9' + 1);
  const __m128i lower = _mm_set1_epi8(0x20), us = _mm_set1_epi8('_');
  const __m128i c8 = _mm_set1_epi8(8), c14 = _mm_set1_epi8(14), sp = _mm_set1_epi8(' '), bsl = _mm_set1_epi8('\\');
  const __m128i dot = _mm_set1_epi8('.'), gt = _mm_set1_epi8('>'), dash = _mm_set1_epi8('-'), sl = _mm_set1_epi8('/'), star = _mm_set1_epi8('*');
  for (int k = 0; k < 4; k++) {
    __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * k));
    __m128i before = _mm_loadu_si128((const __m128i *)(p + 16 * k - 1));
    __m128i l = _mm_or_si128(x, lower); /* bytes >= 0x80 compare as negative: not word characters */
    __m128i w = _mm_and_si128(_mm_cmpgt_epi8(l, a1), _mm_cmplt_epi8(l, z1));
    w = _mm_or_si128(w, _mm_and_si128(_mm_cmpgt_epi8(x, d0), _mm_cmplt_epi8(x, d9)));
    w = _mm_or_si128(w, _mm_cmpeq_epi8(x, us));
    __m128i b = _mm_and_si128(_mm_cmpgt_epi8(x, c8), _mm_cmplt_epi8(x, c14)); /* \t \n \v \f \r */
    b = _mm_or_si128(b, _mm_or_si128(_mm_cmpeq_epi8(x, sp), _mm_cmpeq_epi8(x, bsl)));
    __m128i m = _mm_cmpeq_epi8(x, dot);
    m = _mm_or_si128(m, _mm_and_si128(_mm_cmpeq_epi8(x, gt), _mm_cmpeq_epi8(before, dash)));
    m = _mm_or_si128(m, _mm_and_si128(_mm_cmpeq_epi8(x, sl), _mm_cmpeq_epi8(before, star)));
    r.word |= (uint64_t)(uint16_t)_mm_movemask_epi8(w) << (16 * k);
    r.blank |= (uint64_t)(uint16_t)_mm_movemask_epi8(b) << (16 * k);
    r.mark |= (uint64_t)(uint16_t)_mm_movemask_epi8(m) << (16 * k);
  }
#else
  for (int k = 0; k < 64; k++) {
    unsigned char c = p[k], b = p[k - 1];
    r.word |= (uint64_t)wordc[c] << k;
    r.blank |= (uint64_t)(c == ' ' || (c >= '\t' && c <= '\r') || c == '\\') << k;
    r.mark |= (uint64_t)(c == '.' || (c == '>' && b == '-') || (c == '/' && b == '*')) << k;
  }
#endif
  return r;
}

/* Puts `h` in this file's set, and in the output when it is new there. */
static inline void put(Thread *t, uint32_t h) {
  size_t j = h & t->fmask;
  for (;;) {
    if (t->fgen[j] != t->gen) {
      t->fgen[j] = t->gen;
      t->fhash[j] = h;
      push(t, h);
      if (++t->fused * 2 > t->fmask + 1) fgrow(t);
      return;
    }
    if (t->fhash[j] == h) return;
    j = (j + 1) & t->fmask;
  }
}

/* The word [s, s + n): its hash, and its member key when it is used as a member. */
static inline void word(Thread *t, const unsigned char *s, size_t n, int member) {
  if (!startc[*s]) return; /* a number */
  uint32_t h = hash_bytes(s, n);
  put(t, h);
  if (member) put(t, member_key(h));
}

/* Every maximal run of word characters, found 64 bytes at a time: starts and ends alternate. A word is used as a
 * member when a mark comes before it with only blanks between (a comment between counts as one too: the scan's own
 * test skips comments, and more answers are allowed, fewer are not). Such runs are found without branches: adding
 * the bit after each mark to the blanks carries it through the blanks that follow, to the first other byte. */
static void words(Thread *t, const unsigned char *buf, size_t got) {
  size_t blocks = got / 64 + 1; /* the padding ends the last word inside these */
  size_t open = SIZE_MAX;
  int open_member = 0;
  uint64_t carry = 0, run = 0; /* run: a mark's run of blanks goes on into the next block */
  for (size_t b = 0; b < blocks; b++) {
    const size_t base = b * 64;
    Masks k = masks64(buf + base);
    uint64_t m = k.word;
    uint64_t prev = (m << 1) | carry; /* bit i: byte i - 1 is a word character */
    uint64_t starts = m & ~prev, ends = ~m & prev;
    carry = m >> 63;
    uint64_t after = (k.mark << 1) | run, sum = k.blank + after;
    uint64_t member = (sum ^ k.blank) & starts; /* a run's bits, through its blanks to the byte after them */
    run = (uint64_t)(sum < k.blank) | (k.mark >> 63);
    if (open != SIZE_MAX) {
      if (!ends) continue;
      size_t e = base + (size_t)__builtin_ctzll(ends);
      ends &= ends - 1;
      word(t, buf + open, e - open, open_member);
      open = SIZE_MAX;
    }
    while (starts) {
      unsigned i = (unsigned)__builtin_ctzll(starts);
      size_t s = base + i;
      starts &= starts - 1;
      if (!ends) {
        open = s;
        open_member = (int)(member >> i & 1);
        break;
      }
      size_t e = base + (size_t)__builtin_ctzll(ends);
      ends &= ends - 1;
      word(t, buf + s, e - s, (int)(member >> i & 1));
    }
  }
}

static int read_all(const char *path, Thread *t, size_t *got) {
  int fd = open(path, O_RDONLY);
  struct stat st;
  if (fd < 0) return -1;
  if (fstat(fd, &st) < 0) {
    close(fd);
    return -1;
  }
  size_t size = (size_t)st.st_size;
  if (size > max_bytes) {
    close(fd);
    return -1;
  }
  if (LEAD + size + PAD > t->bufcap) {
    t->bufcap = LEAD + size + PAD + (size >> 1);
    t->buf = xrealloc(t->buf, t->bufcap);
  }
  *got = 0;
  for (;;) { /* to the end, whatever fstat said (a file may grow) */
    if (LEAD + *got + PAD > t->bufcap) {
      t->bufcap *= 2;
      t->buf = xrealloc(t->buf, t->bufcap);
    }
    ssize_t r = read(fd, t->buf + LEAD + *got, t->bufcap - LEAD - PAD - *got);
    if (r < 0) {
      close(fd);
      return -1;
    }
    if (r == 0) break;
    *got += (size_t)r;
    if (*got > max_bytes) {
      close(fd);
      return -1;
    }
  }
  close(fd);
  return 0;
}

static void index_file(Thread *t, uint32_t f) {
  size_t got;
  if (read_all(files[f], t, &got) < 0) {
    unreadable[f] = 1;
    return;
  }
  unsigned char *text = t->buf + LEAD;
  text[-1] = 0;
  memset(text + got, 0, PAD);
  if (++t->gen == 0) { /* the generation wrapped: clear the stamps */
    memset(t->fgen, 0, t->fcap * 4);
    t->gen = 1;
  }
  t->fused = 0;
  size_t slots = 512;
  while (slots < got / 16) slots *= 2;
  fsize(t, slots);
  size_t head = t->len;
  push(t, f);
  push(t, 0);
  words(t, text, got);
  t->out[head + 1] = (uint32_t)(t->len - head - 2);
}

static void *worker(void *arg) {
  Thread *t = arg;
  for (;;) {
    size_t i = atomic_fetch_add(&next_file, CHUNK);
    if (i >= nfiles) break;
    size_t e = i + CHUNK < nfiles ? i + CHUNK : nfiles;
    for (; i < e; i++) index_file(t, (uint32_t)i);
  }
  free(t->buf);
  free(t->fhash);
  free(t->fgen);
  t->buf = NULL;
  return NULL;
}

/* One query over one reading thread's records. */
typedef struct {
  unsigned char *hit;
  const uint32_t *want;
  size_t nw;
  const uint64_t *bloom;
  const Thread *t;
} Query;

static void *query(void *arg) {
  const Query *q = arg;
  const uint32_t *o = q->t->out, *e = o + q->t->len;
  while (o < e) {
    uint32_t f = o[0], c = o[1];
    const uint32_t *w = o + 2;
    o = w + c;
    if (q->hit[f]) continue;
    for (; w < o; w++) {
      uint32_t h = *w;
      if (!(q->bloom[(h & 0xffff) >> 6] >> (h & 63) & 1)) continue;
      size_t k = 0;
      while (k < q->nw && q->want[k] != h) k++;
      if (k < q->nw) {
        q->hit[f] = 1;
        break;
      }
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  int nthreads = argc > 1 ? atoi(argv[1]) : 2;
  if (nthreads < 1 || nthreads > 64) nthreads = 2;
  if (argc > 2) {
    unsigned long long m = strtoull(argv[2], NULL, 10);
    if (m > 0 && m < MAX_FILE) max_bytes = (size_t)m;
  }
  for (int c = 0; c < 256; c++) {
    startc[c] = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    wordc[c] = startc[c] || (c >= '0' && c <= '9');
  }
  size_t cap = 1 << 16;
  files = xrealloc(NULL, cap * sizeof(char *));
  char *line = NULL;
  size_t lcap = 0;
  ssize_t n;
  for (;;) {
    n = getdelim(&line, &lcap, 0, stdin);
    if (n <= 0) die("unexpected end of the file list");
    if (line[n - 1] == 0) n--;
    if (n == 0) break;
    if (nfiles == cap) files = xrealloc(files, (cap *= 2) * sizeof(char *));
    files[nfiles++] = strndup(line, (size_t)n);
  }
  unreadable = calloc(nfiles + 1, 1);
  Thread *ts = aligned_alloc(128, (size_t)nthreads * sizeof(Thread));
  if (ts) memset(ts, 0, (size_t)nthreads * sizeof(Thread));
  pthread_t *th = calloc((size_t)nthreads, sizeof(pthread_t));
  if (!unreadable || !ts || !th) die("out of memory");
  for (int i = 0; i < nthreads; i++)
    if (pthread_create(&th[i], NULL, worker, &ts[i])) die("cannot start a thread");
  for (int i = 0; i < nthreads; i++) pthread_join(th[i], NULL);
  size_t words = 0;
  for (int i = 0; i < nthreads; i++) words += ts[i].len;
  printf("ready %zu %zu\n", nfiles, words);
  fflush(stdout);

  unsigned char *hit = xrealloc(NULL, nfiles + 1);
  Query *qs = calloc((size_t)nthreads, sizeof(Query));
  if (!qs) die("out of memory");
  uint32_t *want = NULL;
  size_t wcap = 0;
  uint64_t bloom[1024]; /* 65,536 bits over the hashes' low bits: most words fail here */
  while ((n = getline(&line, &lcap, stdin)) > 0) {
    size_t nw = 0;
    memset(bloom, 0, sizeof bloom);
    char *s = line, *tok;
    while ((tok = strsep(&s, " \t\r\n")))
      if (*tok) {
        if (nw == wcap) want = xrealloc(want, (wcap = wcap ? wcap * 2 : 64) * 4);
        uint32_t h = *tok == '.' ? member_key(hash_word(tok + 1)) : hash_word(tok);
        want[nw++] = h;
        bloom[(h & 0xffff) >> 6] |= 1ULL << (h & 63);
      }
    memcpy(hit, unreadable, nfiles);
    /* each reading thread's records in a thread of their own: a file is in one thread's records only, so the
     * threads set different bytes of `hit` */
    int started[64] = {0};
    for (int i = 0; i < nthreads && nw; i++) {
      qs[i] = (Query){hit, want, nw, bloom, &ts[i]};
      if (i < nthreads - 1 && pthread_create(&th[i], NULL, query, &qs[i]) == 0) started[i] = 1;
      else query(&qs[i]); /* the last on this thread, or one that could not start */
    }
    for (int i = 0; i < nthreads; i++)
      if (started[i]) pthread_join(th[i], NULL);
    for (size_t f = 0; f < nfiles; f++)
      if (hit[f]) printf("%zu ", f);
    printf("\n");
    fflush(stdout);
  }
  return 0;
}
