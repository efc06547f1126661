/*
 * gofuzz-shm comparison hooks: the C object linked into Go test binaries built with
 * `go test -c -fuzz=... -tags=libfuzzer -ldflags='-linkmode=external -extldflags=<this .o>'`.
 *
 * Under -tags=libfuzzer Go's runtime calls these symbols for every comparison the compiler
 * instrumented (integer compares, string ==, strings.EqualFold). This object writes them into
 * a ring the host created (an anonymous memfd it passes down as an inherited descriptor named
 * by GOFUZZSHM_CMP_FD). Without that variable every hook returns at once, so the binary still
 * runs under `go test` and as a plain worker.
 *
 * The ring layout is shared with src/cmp/ring.rs; change both together.
 *
 * Why the gate: a worker decodes the JSON call and parses the corpus entry with Go's
 * instrumented standard library before it calls the fuzz function, and encodes the JSON
 * response after it: hundreds to thousands of comparisons per run that are not the target's.
 * Go's worker increments the region header's `count` (fd 5) right before it calls the fuzz
 * function, the host resets it to 0 before each call, and the fuzz function runs on its own
 * goroutine (testing's tRunner), while decoding and encoding run on the worker's serving
 * goroutine. So a comparison is the target's when count != 0, it comes from another
 * goroutine than the one that made the last comparison seen with count == 0 (the serving
 * goroutine, parsing the entry), and that serving goroutine has not made one since count
 * became non-zero (it has not resumed to encode the response). The goroutine is Go's `g`,
 * which Go's trampolines leave in R14 on amd64 when they call a hook (every release from
 * 1.18 on loads it there before switching to the system stack).
 *
 * What the gate lets through besides the target's comparisons: after the fuzz function
 * returns, its goroutine formats the run's duration (testing's report, fmt.Sprintf) before
 * the serving goroutine resumes. That tail is the same every run; the host learns it and cuts
 * it (src/cmp/tail.rs). Records carry the stack depth of the comparison for that.
 */
#if !defined(__x86_64__) || !defined(__linux__)
#error "gofuzz-shm comparison hooks: only linux/amd64 is supported"
#endif

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcntl.h>

#define GOFZ_MAGIC 0x31504d435a464f47ull /* "GOFZCMP1" little-endian */
#define GOFZ_HEADER 64u
#define GOFZ_SLOT 32u
#define GOFZ_MAX_STR 64u
#define GOFZ_REGION_FD 5

/* Record header word (the first 8 bytes of a record), stored last with release order:
 * byte 0 kind (1 int, 2 string), byte 1 flags (int: size 1/2/4/8 | 0x10 const;
 * string: 0x01 first truncated, 0x02 second truncated), byte 2/3 string lengths,
 * bytes 4..7 site. */
#define KIND_INT 1u
#define KIND_STR 2u
#define FLAG_CONST 0x10u

struct ring_header {
    uint64_t magic;        /* host */
    uint32_t slots;        /* host: capacity in 32-byte slots */
    uint32_t host_pid;     /* host: for diagnostics */
    uint64_t reserved;     /* slots reserved (may pass `slots`; then records are dropped) */
    uint64_t dropped;      /* records that did not fit */
    uint64_t filtered;     /* comparisons the gate judged not the target's (approximate) */
    uint64_t pad[3];
};

static struct ring_header *ring;
static uint8_t *slots_base;
static uint64_t slots_cap;
static const volatile int64_t *go_count; /* the region header's count */

/* Gate state; written by whichever thread runs a hook, relaxed: a stale value can only
 * misfile one comparison around a transition. */
static uintptr_t serve_g;
static int serve_resumed;

__attribute__((constructor)) static void gofz_cmp_init(void)
{
    const char *v = getenv("GOFUZZSHM_CMP_FD");
    if (v == NULL || *v == '\0')
        return;
    char *end;
    long fd = strtol(v, &end, 10);
    if (*end != '\0' || fd < 0 || fd > 1 << 20)
        return;
    struct stat st;
    if (fstat((int)fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)GOFZ_HEADER)
        return;
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd, 0);
    if (m == MAP_FAILED)
        return;
    struct ring_header *h = m;
    uint64_t cap = h->slots;
    /* Not checked against getppid(): a host that forks (a fork server) after making the ring
     * starts workers from another pid. The variable, the magic and the size suffice: the
     * descriptor is closed below, so the target's own children never see it. */
    if (h->magic != GOFZ_MAGIC || GOFZ_HEADER + cap * GOFZ_SLOT > (uint64_t)st.st_size) {
        munmap(m, (size_t)st.st_size);
        return;
    }
    struct stat rs;
    if (fstat(GOFZ_REGION_FD, &rs) != 0 || rs.st_size < 40) {
        munmap(m, (size_t)st.st_size);
        return;
    }
    void *r = mmap(NULL, 40, PROT_READ, MAP_SHARED, GOFZ_REGION_FD, 0);
    if (r == MAP_FAILED) {
        munmap(m, (size_t)st.st_size);
        return;
    }
    /* The mappings outlive the descriptor; closing it keeps it from the target's children. */
    close((int)fd);
    go_count = r;
    slots_base = (uint8_t *)m + GOFZ_HEADER;
    slots_cap = cap;
    __atomic_store_n(&ring, h, __ATOMIC_RELEASE);
}

/* Whether the comparison made on goroutine g belongs to the fuzz function (see the top). */
static inline int gofz_gate(uintptr_t g)
{
    if (*go_count == 0) {
        __atomic_store_n(&serve_g, g, __ATOMIC_RELAXED);
        __atomic_store_n(&serve_resumed, 0, __ATOMIC_RELAXED);
        return 0;
    }
    if (g == __atomic_load_n(&serve_g, __ATOMIC_RELAXED)) {
        __atomic_store_n(&serve_resumed, 1, __ATOMIC_RELAXED);
        return 0;
    }
    return !__atomic_load_n(&serve_resumed, __ATOMIC_RELAXED);
}

static inline void gofz_filtered(struct ring_header *h)
{
    /* Approximate on purpose: a plain increment, no locked instruction on the hot path. */
    __atomic_store_n(&h->filtered, __atomic_load_n(&h->filtered, __ATOMIC_RELAXED) + 1,
                     __ATOMIC_RELAXED);
}

/* Reserves n slots; NULL (and one more drop) when they do not fit. */
static inline uint8_t *gofz_reserve(struct ring_header *h, uint64_t n)
{
    if (__atomic_load_n(&h->reserved, __ATOMIC_RELAXED) >= slots_cap) {
        __atomic_fetch_add(&h->dropped, 1, __ATOMIC_RELAXED);
        return NULL;
    }
    uint64_t i = __atomic_fetch_add(&h->reserved, n, __ATOMIC_RELAXED);
    if (i + n > slots_cap) {
        __atomic_fetch_add(&h->dropped, 1, __ATOMIC_RELAXED);
        return NULL;
    }
    return slots_base + i * GOFZ_SLOT;
}

static inline void gofz_commit(uint8_t *slot, uint64_t word)
{
    __atomic_store_n((uint64_t *)slot, word, __ATOMIC_RELEASE);
}

/* Called by the integer stubs below: operands, Go's goroutine, the return address (Go's
 * trampoline makes it point into a sled of 512 `ret`s, at Go's fake PC for the site modulo
 * 512), the kind (size | const flag) and Go's stack pointer. */
__attribute__((visibility("hidden"), used)) void gofz_cmp_int(uint64_t a, uint64_t b,
                                                                uintptr_t g, uintptr_t ret,
                                                                uint32_t kind, uintptr_t sp)
{
    struct ring_header *h = __atomic_load_n(&ring, __ATOMIC_ACQUIRE);
    if (h == NULL)
        return;
    if (!gofz_gate(g)) {
        gofz_filtered(h);
        return;
    }
    uint8_t *s = gofz_reserve(h, 1);
    if (s == NULL)
        return;
    ((uint64_t *)s)[1] = a;
    ((uint64_t *)s)[2] = b;
    /* How deep in its goroutine's stack the comparison was made: Go's stack pointer (R12,
     * saved by the trampoline) below the stack's top (g.stack.hi, the second word of g).
     * Unchanged when Go moves the stack, so a site's depth is the same every run. */
    ((uint64_t *)s)[3] = ((const uintptr_t *)g)[1] - sp;
    uint32_t site = (uint32_t)(ret & 0x1ff);
    gofz_commit(s, KIND_INT | (uint64_t)kind << 8 | (uint64_t)site << 32);
}

static inline uint32_t gofz_strlen(const char *s, uint32_t max, int *truncated)
{
    uint32_t n = 0;
    while (n < max && s[n] != '\0')
        n++;
    *truncated = n == max && s[n] != '\0';
    return n;
}

/* Called by the string stub: Go's runtime calls __sanitizer_weak_hook_strcmp(fakePC, s1, s2,
 * 1) for `s1 == s2`/`!=` and strings.EqualFold when the strings differ, with NUL-terminated
 * copies (a string with a NUL in it arrives cut there). */
__attribute__((visibility("hidden"), used)) void gofz_cmp_str(uintptr_t pc, const char *s1,
                                                                const char *s2, int result,
                                                                uintptr_t g, uintptr_t sp)
{
    (void)result;
    struct ring_header *h = __atomic_load_n(&ring, __ATOMIC_ACQUIRE);
    if (h == NULL || s1 == NULL || s2 == NULL)
        return;
    if (!gofz_gate(g)) {
        gofz_filtered(h);
        return;
    }
    int t1, t2;
    uint32_t n1 = gofz_strlen(s1, GOFZ_MAX_STR, &t1);
    uint32_t n2 = gofz_strlen(s2, GOFZ_MAX_STR, &t2);
    uint64_t n = (12 + n1 + n2 + GOFZ_SLOT - 1) / GOFZ_SLOT;
    uint8_t *s = gofz_reserve(h, n);
    if (s == NULL)
        return;
    ((uint32_t *)s)[2] = (uint32_t)(((const uintptr_t *)g)[1] - sp);
    uint8_t *p = s + 12;
    for (uint32_t i = 0; i < n1; i++)
        *p++ = (uint8_t)s1[i];
    for (uint32_t i = 0; i < n2; i++)
        *p++ = (uint8_t)s2[i];
    uint64_t flags = (t1 ? 1u : 0u) | (t2 ? 2u : 0u);
    gofz_commit(s, KIND_STR | flags << 8 | (uint64_t)n1 << 16 | (uint64_t)n2 << 24 |
                       (uint64_t)(uint32_t)pc << 32);
}

/* Entry points. Go's trampolines (runtime/libfuzzer_amd64.s) load g into R14 and call the hook
 * on the system stack with the C calling convention; R14 is callee-saved there, so it still
 * holds g here, and R12 Go's stack pointer. Each stub passes them (and, for integers, the
 * return address and the kind) on to the C code above.
 *
 * Integers: Go enters the hook by a jump with two return addresses pushed: one into its sled
 * of `ret`s (encoding the site) and, above it, its `end_of_function`, which does
 * `mov %r12, %rsp; ret`. Returning through them costs mispredicted returns on every
 * comparison (none of them matches a call). When the code there is exactly that (Go 1.20 to
 * 1.26), the stub calls the C code itself and then does what end_of_function does, so every
 * return matches its call: `jne 1f` otherwise falls back to returning through Go's sled.
 * The stack is realigned for the call (Go 1.20 enters misaligned by 8). */
#define GOFZ_INT_STUB(name, kind)                                                           \
    __asm__(".text\n"                                                                       \
            ".globl " #name "\n"                                                            \
            ".type " #name ", @function\n" #name ":\n"                                      \
            "\tmovq (%rsp), %rcx\n"                                                         \
            "\tmovq %r14, %rdx\n"                                                           \
            "\tmovl $" #kind ", %r8d\n"                                                     \
            "\tmovq %r12, %r9\n"                                                            \
            "\tcmpb $0xc3, (%rcx)\n"                                                        \
            "\tjne 1f\n"                                                                    \
            "\tmovq 8(%rsp), %rax\n"                                                        \
            "\tcmpl $0xc3e4894c, (%rax)\n"                                                  \
            "\tjne 1f\n"                                                                    \
            "\tandq $-16, %rsp\n"                                                           \
            "\tcall gofz_cmp_int\n"                                                         \
            "\tmovq %r12, %rsp\n"                                                           \
            "\tret\n"                                                                       \
            "1:\tjmp gofz_cmp_int\n"                                                        \
            ".size " #name ", .-" #name "\n");

GOFZ_INT_STUB(__sanitizer_cov_trace_cmp1, 0x01)
GOFZ_INT_STUB(__sanitizer_cov_trace_cmp2, 0x02)
GOFZ_INT_STUB(__sanitizer_cov_trace_cmp4, 0x04)
GOFZ_INT_STUB(__sanitizer_cov_trace_cmp8, 0x08)
GOFZ_INT_STUB(__sanitizer_cov_trace_const_cmp1, 0x11)
GOFZ_INT_STUB(__sanitizer_cov_trace_const_cmp2, 0x12)
GOFZ_INT_STUB(__sanitizer_cov_trace_const_cmp4, 0x14)
GOFZ_INT_STUB(__sanitizer_cov_trace_const_cmp8, 0x18)

__asm__(".text\n"
        ".globl __sanitizer_weak_hook_strcmp\n"
        ".type __sanitizer_weak_hook_strcmp, @function\n"
        "__sanitizer_weak_hook_strcmp:\n"
        "\tmovq %r14, %r8\n"
        "\tmovq %r12, %r9\n"
        "\tjmp gofz_cmp_str\n"
        ".size __sanitizer_weak_hook_strcmp, .-__sanitizer_weak_hook_strcmp\n");

/* Go's runtime hands its counters and a PC table to these at start; the host gets the
 * counters through Go's own worker protocol, so there is nothing to do. */
void __sanitizer_cov_8bit_counters_init(uint8_t *start, uint8_t *stop)
{
    (void)start;
    (void)stop;
}

void __sanitizer_cov_pcs_init(const uintptr_t *start, const uintptr_t *stop)
{
    (void)start;
    (void)stop;
}
