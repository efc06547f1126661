/* The signature C API: a fuzz target's argument types (parsed, from a corpus entry, discovered
 * from the package source with Go's tooling) and the byte mapping from an engine's raw bytes to
 * the corpus entry a worker runs, with its inverse for seeds. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gofuzz_shm.h"
#include "test_support.h"

#ifndef GOFUZZ_SHM_ROOT
#error "build with -DGOFUZZ_SHM_ROOT=\"<repository root>\" (c-tests/Makefile does)"
#endif

static shm_signature_t *parse(const char *types) {
    shm_signature_t *sig = NULL;
    assert_int_equal(shm_signature_parse(types, &sig), SHM_OK);
    assert_non_null(sig);
    return sig;
}

/* Maps raw bytes to an entry, using the size query first; returns a malloc'd NUL-terminated
 * string. */
static char *entry_of(const shm_signature_t *sig, const void *data, size_t len) {
    size_t need = 0;
    assert_int_equal(shm_signature_entry_from_bytes(sig, data, len, NULL, 0, &need),
                     SHM_ERR_TOO_LARGE);
    char *out = malloc(need + 1);
    size_t got = 0;
    assert_int_equal(shm_signature_entry_from_bytes(sig, data, len, (uint8_t *)out, need, &got),
                     SHM_OK);
    assert_int_equal(got, need);
    out[got] = '\0';
    return out;
}

static void test_parse_print_and_kinds(void **state) {
    (void)state;
    shm_signature_t *sig = parse(" string, int64 ,bool,byte,[]uint8");
    assert_string_equal(shm_signature_string(sig), "string,int64,bool,byte,[]byte");
    assert_int_equal(shm_signature_count(sig), 5);
    shm_corpus_kind_t kind;
    assert_int_equal(shm_signature_kind(sig, 0, &kind), SHM_OK);
    assert_int_equal(kind, SHM_CORPUS_STRING);
    assert_int_equal(shm_signature_kind(sig, 3, &kind), SHM_OK);
    assert_int_equal(kind, SHM_CORPUS_BYTE);
    assert_int_equal(shm_signature_kind(sig, 4, &kind), SHM_OK);
    assert_int_equal(kind, SHM_CORPUS_BYTES);
    assert_int_equal(shm_signature_kind(sig, 5, &kind), SHM_ERR_INVALID_ARG);
    assert_non_null(strstr(shm_last_error(), "index 5"));
    assert_false(shm_signature_is_identity(sig));
    shm_signature_free(sig);

    sig = parse("string");
    assert_true(shm_signature_is_identity(sig));
    shm_signature_free(sig);
    assert_int_equal(shm_signature_mapping_version(), 1);
}

static void test_bad_arguments_are_errors(void **state) {
    (void)state;
    shm_signature_t *sig = NULL;
    assert_int_equal(shm_signature_parse("string,uintptr", &sig), SHM_ERR_INVALID_ARG);
    assert_null(sig);
    assert_non_null(strstr(shm_last_error(), "\"uintptr\""));
    assert_int_equal(shm_signature_parse("", &sig), SHM_ERR_INVALID_ARG);
    assert_int_equal(shm_signature_parse(NULL, &sig), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_signature_parse("int", NULL), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_signature_from_entry((const uint8_t *)"nope\n", 5, &sig),
                     SHM_ERR_INVALID_ARG);
    assert_int_equal(shm_signature_from_entry(NULL, 3, &sig), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_signature_discover(NULL, "FuzzX", &sig), SHM_ERR_NULL_ARG);
    size_t len = 0;
    assert_int_equal(shm_signature_entry_from_bytes(NULL, NULL, 0, NULL, 0, &len),
                     SHM_ERR_NULL_ARG);
    assert_null(shm_signature_string(NULL));
    assert_int_equal(shm_signature_count(NULL), 0);
    assert_false(shm_signature_is_identity(NULL));
    shm_signature_free(NULL);
}

static void test_raw_bytes_become_entries(void **state) {
    (void)state;
    shm_signature_t *sig = parse("string,int64,bool");
    /* The int64 and the bool first, little-endian; the string takes the rest. */
    const uint8_t input[] = {0xe8, 0x03, 0, 0, 0, 0, 0, 0, 0x01, 'b', 'o', 'o', 'm'};
    char *entry = entry_of(sig, input, sizeof input);
    assert_string_equal(entry, "go test fuzz v1\nstring(\"boom\")\nint64(1000)\nbool(true)\n");
    free(entry);
    /* The empty input is Go's zero values. */
    entry = entry_of(sig, NULL, 0);
    assert_string_equal(entry, "go test fuzz v1\nstring(\"\")\nint64(0)\nbool(false)\n");
    free(entry);
    shm_signature_free(sig);

    /* Two strings: split at the separator fe 47 4f ff. */
    sig = parse("[]byte,string");
    const uint8_t two[] = {'a', 0xfe, 'G', 'O', 0xff, 'b', 0xfe, 'G', 'O', 0xff};
    entry = entry_of(sig, two, sizeof two);
    assert_string_equal(entry, "go test fuzz v1\n[]byte(\"a\")\nstring(\"b\\xfeGO\\xff\")\n");
    free(entry);
    shm_signature_free(sig);

    /* A lone []byte is the identity. */
    sig = parse("[]byte");
    entry = entry_of(sig, "hi\n", 3);
    assert_string_equal(entry, "go test fuzz v1\n[]byte(\"hi\\n\")\n");
    free(entry);
    /* Too small a buffer: the needed size, nothing written. */
    uint8_t small[4] = {0};
    size_t len = 0;
    assert_int_equal(shm_signature_entry_from_bytes(sig, (const uint8_t *)"hi", 2, small,
                                                    sizeof small, &len),
                     SHM_ERR_TOO_LARGE);
    assert_true(len > sizeof small);
    assert_int_equal(small[0], 0);
    shm_signature_free(sig);
}

static void test_entries_become_seeds(void **state) {
    (void)state;
    const char *file = "go test fuzz v1\nstring(\"seed\")\nint64(-1)\nbool(true)\n";
    shm_signature_t *sig = NULL;
    assert_int_equal(shm_signature_from_entry((const uint8_t *)file, strlen(file), &sig), SHM_OK);
    assert_string_equal(shm_signature_string(sig), "string,int64,bool");
    uint8_t raw[64];
    size_t len = 0;
    assert_int_equal(shm_signature_bytes_from_entry(sig, (const uint8_t *)file, strlen(file), raw,
                                                    sizeof raw, &len),
                     SHM_OK);
    const uint8_t want[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 's', 'e', 'e', 'd'};
    assert_int_equal(len, sizeof want);
    assert_memory_equal(raw, want, sizeof want);
    /* And back: the same entry. */
    char *entry = entry_of(sig, raw, len);
    assert_string_equal(entry, file);
    free(entry);
    /* An entry of another target: Go's words. */
    const char *other = "go test fuzz v1\nstring(\"x\")\n";
    assert_int_equal(shm_signature_bytes_from_entry(sig, (const uint8_t *)other, strlen(other),
                                                    raw, sizeof raw, &len),
                     SHM_ERR_INVALID_ARG);
    assert_non_null(strstr(shm_last_error(), "wrong number of values in corpus entry: 1, want 3"));
    shm_signature_free(sig);
}

static void test_call_mismatch_is_recognized(void **state) {
    (void)state;
    const char *mismatch =
        "--- FAIL: FuzzString (0.00s)\n"
        "    testing.go:1927: panic: reflect: Call using []uint8 as type string\n"
        "        reflect.Value.Call({0x613860?, 0x665a08?, 0x54bac0?}, {0x3f0f0b7a0f0?})\n"
        "        \t/usr/local/go/src/reflect/value.go:369 +0xb9\n"
        "        testing.(*F).Fuzz.func1.1(0x3f0f0b30248?)\n"
        "        \t/usr/local/go/src/testing/fuzz.go:341 +0x365\n";
    assert_true(shm_failure_is_call_mismatch(mismatch, strlen(mismatch)));
    const char *crash = "--- FAIL: FuzzString (0.00s)\n    x_test.go:9: planted failure\n";
    assert_false(shm_failure_is_call_mismatch(crash, strlen(crash)));
    assert_false(shm_failure_is_call_mismatch(NULL, 4));
}

static void test_discover_from_the_package_source(void **state) {
    (void)state;
    shm_signature_t *sig = NULL;
    shm_status_t st =
        shm_signature_discover(GOFUZZ_SHM_ROOT "/testdata/sigtargets", "FuzzLiteral", &sig);
    const char *require = getenv("GOFUZZSHM_REQUIRE_GO");
    if (st == SHM_ERR_IO && !(require != NULL && strcmp(require, "1") == 0)) {
        fprintf(stderr, "** SKIPPED discovery: no Go toolchain (%s)\n", shm_last_error());
        return;
    }
    assert_int_equal(st, SHM_OK);
    assert_string_equal(shm_signature_string(sig), "string,int64,bool");
    shm_signature_free(sig);
    sig = NULL;
    assert_int_equal(
        shm_signature_discover(GOFUZZ_SHM_ROOT "/testdata/sigtargets", "FuzzNope", &sig),
        SHM_ERR_INVALID_ARG);
    assert_null(sig);
    assert_non_null(strstr(shm_last_error(), "no fuzz target FuzzNope"));
}

/* Last: discovery and everything else left nothing in TMPDIR. */
static void test_nothing_left_behind(void **state) {
    (void)state;
    assert_int_equal(count_entries(tmpdir()), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_print_and_kinds),
        cmocka_unit_test(test_bad_arguments_are_errors),
        cmocka_unit_test(test_raw_bytes_become_entries),
        cmocka_unit_test(test_entries_become_seeds),
        cmocka_unit_test(test_call_mismatch_is_recognized),
        cmocka_unit_test(test_discover_from_the_package_source),
        cmocka_unit_test(test_nothing_left_behind),
    };
    return cmocka_run_group_tests_name("gofuzz_shm signature C API", tests, NULL, NULL);
}
