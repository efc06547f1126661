/* Header field access and small value copies from C, against plain loads, stores and memcpy.
 *
 * Criterion cannot measure an inlined C load, so this is a small calibrated-loop benchmark.
 * Each variant is a noinline function running `n` iterations of one operation; every iteration
 * ends with a compiler barrier (an empty asm with a "memory" clobber), so the compiler must
 * redo each load and store instead of hoisting it out of the loop. The baseline of each group
 * is the same operation on ordinary memory (a malloc'd shm_header_t), or a plain memcpy of the
 * same bytes into or out of the same mapping.
 *
 *   header_access time ROUNDS TARGET_MS   calibrate each variant to TARGET_MS per run, then run
 *                                         ROUNDS rounds (the order reversed on odd rounds) and
 *                                         print one JSON line per variant and round
 *   header_access list                    print the variants' names, one per line
 *   header_access count VARIANT N         run VARIANT for exactly N iterations, untimed: run
 *                                         under callgrind twice with different N, the difference
 *                                         of the instruction counts / the difference of N is the
 *                                         cost of one iteration, free of timing noise
 *
 * Built by bench/run.sh against the release library, statically and as a shared library. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gofuzz_shm.h>

#ifndef LINK
#define LINK "static"
#endif

#define BARRIER() __asm__ volatile("" ::: "memory")
#define LOOP(body)                                                                                \
	for (uint64_t i = 0; i < n; i++) {                                                        \
		body;                                                                             \
		BARRIER();                                                                        \
	}

enum { VALUE_BYTES = 64 };

static shm_region_t *region;
static shm_header_t *plain;   /* ordinary memory */
static uint8_t *value_area;   /* the region's value area */
static uint8_t src[VALUE_BYTES], dst[VALUE_BYTES];
static volatile size_t value_bytes = VALUE_BYTES; /* read at run time: memcpy stays a call */
static volatile int64_t sink;

/* Loads. */
static __attribute__((noinline)) void plain_load(uint64_t n) {
	shm_header_t *p = plain;
	int64_t s = 0;
	LOOP(s += p->count);
	sink = s;
}
static __attribute__((noinline)) void header_load(uint64_t n) {
	shm_header_t *h = shm_header(region);
	int64_t s = 0;
	LOOP(s += h->count);
	sink = s;
}
static __attribute__((noinline)) void header_atomic_load(uint64_t n) {
	shm_header_t *h = shm_header(region);
	int64_t s = 0;
	LOOP(s += __atomic_load_n(&h->count, __ATOMIC_RELAXED));
	sink = s;
}
static __attribute__((noinline)) void shm_count_load_call(uint64_t n) {
	shm_region_t *r = region;
	int64_t s = 0;
	LOOP(s += shm_count_load(r));
	sink = s;
}
static __attribute__((noinline)) void shm_header_each_call(uint64_t n) {
	shm_region_t *r = region;
	int64_t s = 0;
	LOOP(s += shm_header(r)->count);
	sink = s;
}
static __attribute__((noinline)) void shm_value_len_load_call(uint64_t n) {
	shm_region_t *r = region;
	int64_t s = 0;
	LOOP(s += shm_value_len_load(r));
	sink = s;
}

/* The floor of any call into the library: a function that returns a constant. */
static __attribute__((noinline)) void shm_header_size_call(uint64_t n) {
	int64_t s = 0;
	LOOP(s += (int64_t)shm_header_size());
	sink = s;
}

/* Stores. */
static __attribute__((noinline)) void plain_store(uint64_t n) {
	shm_header_t *p = plain;
	LOOP(p->count = (int64_t)i);
}
static __attribute__((noinline)) void header_store(uint64_t n) {
	shm_header_t *h = shm_header(region);
	LOOP(h->count = (int64_t)i);
}
static __attribute__((noinline)) void header_atomic_store(uint64_t n) {
	shm_header_t *h = shm_header(region);
	LOOP(__atomic_store_n(&h->count, (int64_t)i, __ATOMIC_RELAXED));
}
static __attribute__((noinline)) void shm_count_store_call(uint64_t n) {
	shm_region_t *r = region;
	LOOP(shm_count_store(r, (int64_t)i));
}

/* 64-byte values. */
static __attribute__((noinline)) void memcpy_in(uint64_t n) {
	LOOP(memcpy(value_area, src, value_bytes));
}
static __attribute__((noinline)) void shm_set_value_call(uint64_t n) {
	shm_region_t *r = region;
	LOOP(shm_set_value(r, src, value_bytes));
}
static __attribute__((noinline)) void memcpy_out(uint64_t n) {
	LOOP(memcpy(dst, value_area, value_bytes));
}
static __attribute__((noinline)) void shm_value_copy_call(uint64_t n) {
	shm_region_t *r = region;
	size_t len;
	LOOP(shm_value_copy(r, dst, sizeof dst, &len));
	sink = (int64_t)len;
}

struct variant {
	const char *name, *group, *baseline;
	void (*run)(uint64_t n);
};

static const struct variant variants[] = {
	{"plain_load", "load", "plain_load", plain_load},
	{"header_load", "load", "plain_load", header_load},
	{"header_atomic_load", "load", "plain_load", header_atomic_load},
	{"shm_count_load", "load", "plain_load", shm_count_load_call},
	{"shm_header_each", "load", "plain_load", shm_header_each_call},
	{"shm_value_len_load", "load", "plain_load", shm_value_len_load_call},
	{"shm_header_size", "load", "plain_load", shm_header_size_call},
	{"plain_store", "store", "plain_store", plain_store},
	{"header_store", "store", "plain_store", header_store},
	{"header_atomic_store", "store", "plain_store", header_atomic_store},
	{"shm_count_store", "store", "plain_store", shm_count_store_call},
	{"memcpy_in_64", "value_in_64", "memcpy_in_64", memcpy_in},
	{"shm_set_value_64", "value_in_64", "memcpy_in_64", shm_set_value_call},
	{"memcpy_out_64", "value_out_64", "memcpy_out_64", memcpy_out},
	{"shm_value_copy_64", "value_out_64", "memcpy_out_64", shm_value_copy_call},
};
enum { NVARIANTS = sizeof variants / sizeof variants[0] };

static double now_ns(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static double time_run(const struct variant *v, uint64_t n) {
	double start = now_ns();
	v->run(n);
	return now_ns() - start;
}

/* Iterations that take about target_ns. */
static uint64_t calibrate(const struct variant *v, double target_ns) {
	uint64_t n = 1000;
	for (;;) {
		double t = time_run(v, n);
		if (t >= target_ns / 8 || n >= (UINT64_C(1) << 40)) {
			double per = t / (double)n;
			uint64_t want = (uint64_t)(target_ns / (per > 0 ? per : 1e-3));
			return want > 0 ? want : 1;
		}
		n *= 4;
	}
}

static void setup(void) {
	if (shm_create(4096, &region) != SHM_OK) {
		fprintf(stderr, "header_access: shm_create: %s\n", shm_last_error());
		exit(1);
	}
	size_t cap;
	if (shm_value_buffer(region, &value_area, &cap) != SHM_OK || cap < VALUE_BYTES) {
		fprintf(stderr, "header_access: shm_value_buffer: %s\n", shm_last_error());
		exit(1);
	}
	plain = calloc(1, sizeof *plain);
	if (!plain) {
		exit(1);
	}
	memset(src, 'v', sizeof src);
	/* A valid 64-byte value, so shm_value_copy succeeds. */
	if (shm_set_value(region, src, sizeof src) != SHM_OK) {
		fprintf(stderr, "header_access: shm_set_value: %s\n", shm_last_error());
		exit(1);
	}
}

static int usage(void) {
	fprintf(stderr, "usage: header_access time ROUNDS TARGET_MS | count VARIANT N | list\n");
	return 2;
}

int main(int argc, char **argv) {
	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		for (int i = 0; i < NVARIANTS; i++) {
			printf("%s\n", variants[i].name);
		}
		return 0;
	}
	if (argc != 4) {
		return usage();
	}
	setup();
	if (strcmp(argv[1], "count") == 0) {
		for (int i = 0; i < NVARIANTS; i++) {
			if (strcmp(variants[i].name, argv[2]) == 0) {
				variants[i].run(strtoull(argv[3], NULL, 10));
				shm_close(region);
				return 0;
			}
		}
		fprintf(stderr, "header_access: no variant %s\n", argv[2]);
		return 2;
	}
	if (strcmp(argv[1], "time") != 0) {
		return usage();
	}
	int rounds = atoi(argv[2]);
	double target_ns = atof(argv[3]) * 1e6;
	uint64_t iters[NVARIANTS];
	for (int i = 0; i < NVARIANTS; i++) {
		iters[i] = calibrate(&variants[i], target_ns);
	}
	for (int r = 0; r < rounds; r++) {
		for (int k = 0; k < NVARIANTS; k++) {
			int i = r % 2 == 0 ? k : NVARIANTS - 1 - k;
			const struct variant *v = &variants[i];
			double ns = time_run(v, iters[i]) / (double)iters[i];
			printf("{\"link\":\"%s\",\"round\":%d,\"variant\":\"%s\",\"group\":\"%s\","
			       "\"baseline\":\"%s\",\"iters\":%llu,\"ns_per_op\":%.4f}\n",
			       LINK, r, v->name, v->group, v->baseline, (unsigned long long)iters[i], ns);
		}
	}
	shm_close(region);
	return 0;
}
