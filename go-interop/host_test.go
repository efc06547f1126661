package gofuzzshm_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	gofuzzshm "github.com/gofuzz-shm/gofuzz-shm/go-interop"
	"github.com/gofuzz-shm/gofuzz-shm/go-interop/internal/rawcapi"
	"github.com/gofuzz-shm/gofuzz-shm/go-interop/internal/workerprobe"
	"github.com/gofuzz-shm/gofuzz-shm/go-interop/layout"
)

// hostRegion is a region a coordinator drives, whichever API made it.
type hostRegion interface {
	Header() *layout.Header
	File() (*os.File, error)
	SetValue([]byte) error
	ValueCopy() ([]byte, error)
	Close() error
}

// pkgRegion is a region made by this package. Its *Header converts to the mirror type because
// the two have the same fields (header.go proves it at compile time).
type pkgRegion struct{ *gofuzzshm.Region }

func (r pkgRegion) Header() *layout.Header {
	return (*layout.Header)(unsafe.Pointer(r.Region.Header()))
}

// The messages of Go's worker protocol (GO-FUZZ-FACTS.md section 4), written from the facts.
type (
	workerCall struct {
		Ping *struct{} `json:",omitempty"`
		Fuzz *fuzzArgs `json:",omitempty"`
	}
	fuzzArgs struct {
		Timeout      time.Duration
		Limit        int64
		Warmup       bool
		CoverageData []byte
	}
	fuzzResponse struct {
		TotalDuration       time.Duration
		InterestingDuration time.Duration
		Count               int64
		CoverageData        []byte
		Err                 string
		InternalErr         string
	}
)

// rpcTimeout bounds each exchange with the worker, so a hung worker fails the test instead of
// hanging it.
const rpcTimeout = time.Minute

var (
	workerOnce sync.Once
	workerBin  string
	workerErr  error
)

// workerBinary builds the probe package with `go test -c -fuzz`, which instruments it for
// coverage as `go test -fuzz` would.
func workerBinary(t *testing.T) string {
	t.Helper()
	workerOnce.Do(func() {
		out := filepath.Join(scratch, "workerprobe.test")
		cmd := exec.Command(goTool(t), "test", "-c", "-fuzz=^FuzzRejects$", "-o", out, probePkg)
		if msg, err := cmd.CombinedOutput(); err != nil {
			workerErr = fmt.Errorf("%q: %v\n%s", cmd.Args, err, msg)
			return
		}
		workerBin = out
	})
	if workerErr != nil {
		t.Fatal(workerErr)
	}
	return workerBin
}

// worker is a running Go fuzz worker and the coordinator's ends of its pipes.
type worker struct {
	cmd    *exec.Cmd
	in     *os.File // fuzz_in: calls to the worker
	out    *os.File // fuzz_out: responses
	dec    *json.Decoder
	output bytes.Buffer // the worker's stdout and stderr, for failure reports
}

// startWorker starts the probe binary as Go's coordinator starts a worker: -test.fuzzworker
// and the target's -test.fuzz, fd 3 reading calls, fd 4 writing responses, fd 5 the region.
func startWorker(t *testing.T, region hostRegion) *worker {
	t.Helper()
	mem, err := region.File()
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer inR.Close()
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer outW.Close()

	w := &worker{in: inW, out: outR, dec: json.NewDecoder(outR)}
	w.cmd = exec.Command(workerBinary(t), "-test.fuzzworker", "-test.fuzz=^FuzzRejects$",
		"-test.fuzzcachedir="+t.TempDir())
	w.cmd.ExtraFiles = []*os.File{inR, outW, mem}
	w.cmd.Stdout, w.cmd.Stderr = &w.output, &w.output
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.stop(t) })
	return w
}

// call sends one call and decodes its one response.
func (w *worker) call(t *testing.T, c workerCall, resp any) {
	t.Helper()
	line, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.in.Write(append(line, '\n')); err != nil {
		t.Fatalf("send %s: %v\nworker output:\n%s", line, err, w.output.String())
	}
	w.out.SetReadDeadline(time.Now().Add(rpcTimeout))
	if err := w.dec.Decode(resp); err != nil {
		t.Fatalf("response to %s: %v\nworker output:\n%s", line, err, w.output.String())
	}
}

// stop closes fuzz_in, as Go's coordinator does, and waits for the worker to exit; a worker
// still running after rpcTimeout is killed and fails the test. A worker whose target failed
// exits with Go's worker failure code 70 (testing's fuzzWorkerExitCode), otherwise with 0.
func (w *worker) stop(t *testing.T) {
	w.in.Close()
	done := make(chan error, 1)
	go func() { done <- w.cmd.Wait() }()
	select {
	case err := <-done:
		if code := w.cmd.ProcessState.ExitCode(); code != 0 && code != 70 {
			t.Errorf("worker exited with %v\n%s", err, w.output.String())
		}
	case <-time.After(rpcTimeout):
		w.cmd.Process.Kill()
		<-done
		t.Errorf("worker did not exit after fuzz_in was closed\n%s", w.output.String())
	}
	w.out.Close()
}

// fuzzOnce runs entry once, unmutated, as the coordinator's warmup does: count reset to 0, the
// entry written, a Warmup call with Limit 1; and checks the count and that the value came back
// unchanged.
func (w *worker) fuzzOnce(t *testing.T, region hostRegion, entry []byte) fuzzResponse {
	t.Helper()
	h := region.Header()
	h.Count, h.RandState, h.RandInc = 0, 0, 0
	if err := region.SetValue(entry); err != nil {
		t.Fatal(err)
	}
	var resp fuzzResponse
	w.call(t, workerCall{Fuzz: &fuzzArgs{Timeout: 10 * time.Second, Limit: 1, Warmup: true}}, &resp)
	if resp.InternalErr != "" {
		t.Fatalf("worker internal error: %s", resp.InternalErr)
	}
	if h.Count != 1 || resp.Count != 1 {
		t.Errorf("after a warmup call: header count %d, response count %d; want 1 and 1", h.Count, resp.Count)
	}
	if got, err := region.ValueCopy(); err != nil || !bytes.Equal(got, entry) {
		t.Errorf("the worker changed the value to %q (%v)", got, err)
	}
	return resp
}

func entryOf(data string) []byte {
	return fmt.Appendf(nil, "go test fuzz v1\n[]byte(%q)\n", data)
}

// Proof 4: a minimal coordinator in this test drives a real Go worker over a region made by
// this package, and over one made by the plain C API.
func TestMinimalHostDrivesRealWorker(t *testing.T) {
	regions := map[string]func() (hostRegion, error){
		"gofuzzshm.Create": func() (hostRegion, error) {
			r, err := gofuzzshm.Create(layout.WorkerValueCapacity)
			return pkgRegion{r}, err
		},
		"C shm_create": func() (hostRegion, error) {
			return rawcapi.Create(layout.WorkerValueCapacity)
		},
	}
	for name, create := range regions {
		t.Run(name, func(t *testing.T) {
			t.Setenv("TMPDIR", t.TempDir())
			region, err := create()
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := region.Close(); err != nil {
					t.Error(err)
				}
			}()
			w := startWorker(t, region)

			var pong json.RawMessage
			w.call(t, workerCall{Ping: &struct{}{}}, &pong)
			if string(pong) != "{}" {
				t.Fatalf("ping answered %s, want {}", pong)
			}

			resp := w.fuzzOnce(t, region, entryOf("hello from the host"))
			h := region.Header()
			if resp.Err != "" {
				t.Errorf("an accepted input failed: %s", resp.Err)
			}
			if h.RandState == 0 || h.RandInc == 0 {
				t.Errorf("the worker did not save its PRNG: randState %#x, randInc %#x", h.RandState, h.RandInc)
			}
			if coverageBuild() && len(resp.CoverageData) == 0 {
				t.Errorf("no coverage data from a binary built with -fuzz on %s", runtime.GOARCH)
			}
			t.Logf("warmup: count %d, randState %#x, randInc %#x, %d coverage bytes",
				h.Count, h.RandState, h.RandInc, len(resp.CoverageData))

			// Mutation: the worker counts its runs in our header and answers with the same count.
			h.Count = 0
			entry := entryOf("hello from the host")
			var mut fuzzResponse
			w.call(t, workerCall{Fuzz: &fuzzArgs{Timeout: 10 * time.Second, Limit: 50, CoverageData: resp.CoverageData}}, &mut)
			if mut.InternalErr != "" || mut.Err != "" && !strings.Contains(mut.Err, "rejected input") {
				t.Fatalf("mutating call: InternalErr %q, Err %q", mut.InternalErr, mut.Err)
			}
			if mut.Count < 1 || mut.Count > 50 || h.Count != mut.Count {
				t.Errorf("mutating call with Limit 50: response count %d, header count %d", mut.Count, h.Count)
			}
			if got, _ := region.ValueCopy(); !bytes.Equal(got, entry) {
				t.Errorf("a mutating call changed the value to %q", got)
			}
			t.Logf("mutation: count %d", mut.Count)

			resp = w.fuzzOnce(t, region, entryOf(workerprobe.RejectPrefix+" this"))
			if !strings.Contains(resp.Err, "rejected input") {
				t.Errorf("a rejected input gave Err %q, want the target's failure", resp.Err)
			}
			t.Logf("rejected input: Err %q", rejectLine(resp.Err))
		})
	}
}

// coverageBuild reports whether `go test -fuzz` instruments binaries on this platform.
func coverageBuild() bool {
	switch runtime.GOOS + "/" + runtime.GOARCH {
	case "linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "freebsd/amd64", "freebsd/arm64":
		return true
	}
	return false
}

// rejectLine is the line of a worker's Err that holds the target's failure message.
func rejectLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, "rejected input") {
			return strings.TrimSpace(line)
		}
	}
	return s
}
