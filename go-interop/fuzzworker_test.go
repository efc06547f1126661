package gofuzzshm_test

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gofuzz-shm/gofuzz-shm/go-interop/internal/workerprobe"
)

const probePkg = "./internal/workerprobe"

// fuzzExecs is how many inputs the real fuzzer must run through the probe (at least 200).
const fuzzExecs = 500

// goTool returns the go command that runs this test.
func goTool(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to run the real fuzzer: %v", err)
	}
	return path
}

// Proof 3: `go test -fuzz` runs FuzzRegionInWorker in real worker processes, where the target
// maps fd 5 with MapFD and checks every input (see its doc). The session must pass, and the
// workers' logs must show at least fuzzExecs checked inputs and every seed arriving as added.
func TestRealFuzzerWorkerMapsItsRegion(t *testing.T) {
	tmp := t.TempDir()
	logDir := filepath.Join(tmp, "log")
	if err := os.Mkdir(logDir, 0o700); err != nil {
		t.Fatal(err)
	}
	crashDir := filepath.Join(probePkg, "testdata", "fuzz")
	before := listFiles(crashDir)

	cmd := exec.Command(goTool(t), "test", "-run=^$", "-fuzz=^FuzzRegionInWorker$",
		"-fuzztime="+strconv.Itoa(fuzzExecs)+"x", "-fuzzminimizetime=0", probePkg,
		"-args", "-test.fuzzcachedir="+filepath.Join(tmp, "cache")) // a fresh cache: only our seeds
	cmd.Env = append(os.Environ(), workerprobe.LogEnv+"="+logDir)
	out, err := cmd.CombinedOutput()
	t.Logf("%s:\n%s", strings.Join(cmd.Args, " "), out)
	if err != nil {
		reportCrashers(t, crashDir, before)
		t.Fatalf("the fuzzing session failed: %v", err)
	}
	if !regexp.MustCompile(`(?m)^fuzz: elapsed: .*, execs: \d+`).Match(out) || !strings.Contains(string(out), "\nok ") {
		t.Fatalf("the output does not show a fuzzing session that passed")
	}

	logs, _ := filepath.Glob(filepath.Join(logDir, "worker-*.log"))
	checked, seedsSeen := 0, map[string]bool{}
	for _, name := range logs {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			checked++
			if seed, _, _ := strings.Cut(strings.TrimPrefix(sc.Text(), "checked seed="), " "); seed != "-1" {
				seedsSeen[seed] = true
			}
		}
		f.Close()
	}
	t.Logf("%d workers checked %d inputs; seeds seen unmutated: %v", len(logs), checked, seedsSeen)
	if checked < fuzzExecs {
		t.Errorf("workers checked %d inputs, want at least %d", checked, fuzzExecs)
	}
	for _, seed := range []string{"0", "1", "2"} {
		if !seedsSeen[seed] {
			t.Errorf("seed %s never reached a worker exactly as added", seed)
		}
	}
}

// listFiles returns the files under dir (none if it does not exist).
func listFiles(dir string) map[string]bool {
	files := map[string]bool{}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files[path] = true
		}
		return nil
	})
	return files
}

// reportCrashers logs the failing inputs the fuzzer wrote into the source tree, then removes
// them (and the directories left empty), so a failed run leaves the checkout as it found it.
func reportCrashers(t *testing.T, dir string, before map[string]bool) {
	for path := range listFiles(dir) {
		if before[path] {
			continue
		}
		data, _ := os.ReadFile(path)
		t.Logf("failing input %s:\n%s", path, data)
		os.Remove(path)
	}
	for d := filepath.Join(dir, "FuzzRegionInWorker"); d != filepath.Dir(probePkg); d = filepath.Dir(d) {
		if err := os.Remove(d); err != nil && !errors.Is(err, os.ErrNotExist) {
			break // not empty: it held files before the run
		}
	}
}
