// Command discover prints the argument types of a Go fuzz target's f.Fuzz callback, found by
// type-checking the package's test files with Go's own go/types. gofuzz-shm's
// signature::discover builds and runs it from a private temporary directory; it uses only the
// standard library, so nothing is downloaded.
//
// Usage: discover -go GO -dir PKGDIR -target FuzzX [-buildflag FLAG]... [-setenv NAME=VALUE]...
// [-unsetenv NAME]...
//
// -buildflag passes a build flag (e.g. -tags=libfuzzer) to go list.
//
// -setenv and -unsetenv restore the caller's environment for go list, since the variables
// that build this helper (GOFLAGS, GOTOOLCHAIN, …) were set for the helper, not the package.
//
// Output: one JSON object on stdout, {"types": ["string", "int64"], "where": "file:line"} or
// {"error": "why", "kind": "discover"|"tooling"}; the exit status is 0 in both cases. The
// package is listed with `go list -e -compiled -test -deps -export` (run in PKGDIR with the
// caller's environment, so GOFLAGS, build tags and modules apply): dependencies are imported
// from their export data, the package's test variant and its external test package are
// type-checked from their compiled Go files.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

type listedPackage struct {
	Dir             string
	ImportPath      string
	Name            string
	ForTest         string
	Export          string
	DepOnly         bool
	CompiledGoFiles []string
	ImportMap       map[string]string
	Error           *struct{ Err string }
	DepsErrors      []*struct{ Err string }
}

type result struct {
	Types []string `json:"types,omitempty"`
	Where string   `json:"where,omitempty"`
	Error string   `json:"error,omitempty"`
	Kind  string   `json:"kind,omitempty"`
}

// failure is an answer that is not a signature: the kind says whose fault it is.
type failure struct {
	kind string
	msg  string
}

func (f *failure) Error() string { return f.msg }

func discoverErr(format string, args ...any) error {
	return &failure{"discover", fmt.Sprintf(format, args...)}
}

func toolingErr(format string, args ...any) error {
	return &failure{"tooling", fmt.Sprintf(format, args...)}
}

// envFlag collects repeated -setenv/-unsetenv flags.
type envFlag []string

func (e *envFlag) String() string     { return strings.Join(*e, " ") }
func (e *envFlag) Set(v string) error { *e = append(*e, v); return nil }

// listEnv is the environment go list runs in: ours with the caller's values restored.
var listEnv []string

// buildFlags are passed to go list.
var buildFlags envFlag

func main() {
	goTool := flag.String("go", "go", "the go command")
	dir := flag.String("dir", ".", "the package directory")
	target := flag.String("target", "", "the fuzz target's name")
	var set, unset envFlag
	flag.Var(&buildFlags, "buildflag", "a build flag for go list (repeatable)")
	flag.Var(&set, "setenv", "NAME=VALUE to set for go list (repeatable)")
	flag.Var(&unset, "unsetenv", "NAME to unset for go list (repeatable)")
	flag.Parse()
	drop := map[string]bool{}
	for _, kv := range set {
		drop[strings.SplitN(kv, "=", 2)[0]] = true
	}
	for _, name := range unset {
		drop[name] = true
	}
	for _, kv := range os.Environ() {
		if !drop[strings.SplitN(kv, "=", 2)[0]] {
			listEnv = append(listEnv, kv)
		}
	}
	listEnv = append(listEnv, set...)
	res := run(*goTool, *dir, *target)
	out, _ := json.Marshal(res)
	os.Stdout.Write(append(out, '\n'))
}

func run(goTool, dir, target string) result {
	types, where, err := discover(goTool, dir, target)
	if err != nil {
		var f *failure
		if errors.As(err, &f) {
			return result{Error: f.msg, Kind: f.kind}
		}
		return result{Error: err.Error(), Kind: "tooling"}
	}
	return result{Types: types, Where: where}
}

func list(goTool, dir string) ([]*listedPackage, error) {
	// Plain -json: selecting fields (-json=A,B) needs Go 1.19.
	args := []string{"list", "-e", "-compiled", "-test", "-deps", "-export", "-json"}
	args = append(args, buildFlags...)
	cmd := exec.Command(goTool, append(args, ".")...)
	cmd.Dir = dir
	cmd.Env = listEnv
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, discoverErr("go list in %s: %s", dir, msg)
	}
	var pkgs []*listedPackage
	dec := json.NewDecoder(&stdout)
	for {
		p := new(listedPackage)
		if err := dec.Decode(p); err == io.EOF {
			break
		} else if err != nil {
			return nil, toolingErr("reading go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}

func discover(goTool, dir, target string) ([]string, string, error) {
	if !strings.HasPrefix(target, "Fuzz") {
		return nil, "", discoverErr("%q is not a fuzz target name (fuzz targets are functions named Fuzz…)", target)
	}
	pkgs, err := list(goTool, dir)
	if err != nil {
		return nil, "", err
	}
	byPath := map[string]*listedPackage{}
	var root *listedPackage
	var tested []*listedPackage // the test variant and the external test package
	for _, p := range pkgs {
		byPath[p.ImportPath] = p
		if p.DepOnly {
			continue
		}
		switch {
		case p.ForTest != "" && p.Name != "main":
			tested = append(tested, p)
		case p.ForTest == "" && !strings.HasSuffix(p.ImportPath, ".test"):
			root = p
		}
	}
	if root == nil {
		return nil, "", discoverErr("no Go package in %s", dir)
	}
	if root.Error != nil {
		return nil, "", discoverErr("package %s: %s", root.ImportPath, strings.TrimSpace(root.Error.Err))
	}
	if len(tested) == 0 {
		return nil, "", discoverErr("package %s has no test files, so no fuzz target %s", root.ImportPath, target)
	}
	// The test variant first: its files are in both packages' scope for the error message.
	sort.Slice(tested, func(i, j int) bool { return len(tested[i].ImportPath) < len(tested[j].ImportPath) })
	var names []string
	for _, p := range tested {
		if p.Error != nil {
			return nil, "", discoverErr("package %s does not build: %s", p.ImportPath, strings.TrimSpace(p.Error.Err))
		}
		for _, e := range p.DepsErrors {
			return nil, "", discoverErr("a dependency of %s does not build: %s", p.ImportPath, strings.TrimSpace(e.Err))
		}
		fset := token.NewFileSet()
		files, err := parseFiles(fset, p)
		if err != nil {
			return nil, "", err
		}
		decl := findTarget(files, target)
		for _, f := range files {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && strings.HasPrefix(fd.Name.Name, "Fuzz") &&
					strings.HasSuffix(fset.File(f.Pos()).Name(), "_test.go") {
					names = append(names, fd.Name.Name)
				}
			}
		}
		if decl == nil {
			continue
		}
		info, err := check(fset, p, files, byPath)
		if err != nil {
			return nil, "", err
		}
		return signatureOf(fset, info, files, decl, p)
	}
	sort.Strings(names)
	known := "it has none"
	if len(names) > 0 {
		known = "its fuzz targets: " + strings.Join(names, ", ")
	}
	return nil, "", discoverErr("no fuzz target %s in the tests of package %s (%s)", target, root.ImportPath, known)
}

func parseFiles(fset *token.FileSet, p *listedPackage) ([]*ast.File, error) {
	var files []*ast.File
	for _, name := range p.CompiledGoFiles {
		if !filepath.IsAbs(name) {
			name = filepath.Join(p.Dir, name)
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, discoverErr("package %s does not parse: %v", p.ImportPath, err)
		}
		files = append(files, f)
	}
	return files, nil
}

func findTarget(files []*ast.File, target string) *ast.FuncDecl {
	for _, f := range files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == target {
				return fd
			}
		}
	}
	return nil
}

// check type-checks one package from its files, importing every dependency from the export
// data go list produced (through the package's ImportMap, which maps test variants).
func check(fset *token.FileSet, p *listedPackage, files []*ast.File, byPath map[string]*listedPackage) (*types.Info, error) {
	lookup := func(path string) (io.ReadCloser, error) {
		if mapped, ok := p.ImportMap[path]; ok {
			path = mapped
		}
		dep := byPath[path]
		if dep == nil || dep.Export == "" {
			return nil, fmt.Errorf("no export data for %q", path)
		}
		return os.Open(dep.Export)
	}
	var errs []string
	conf := types.Config{
		Importer: importer.ForCompiler(fset, "gc", lookup),
		Error: func(err error) {
			if len(errs) < 10 {
				errs = append(errs, err.Error())
			}
		},
	}
	info := &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
	}
	path := p.ImportPath
	if i := strings.Index(path, " "); i >= 0 {
		path = path[:i]
	}
	conf.Check(path, fset, files, info)
	if len(errs) > 0 {
		return nil, discoverErr("package %s does not type-check:\n%s", p.ImportPath, strings.Join(errs, "\n"))
	}
	return info, nil
}

func isTestingType(t types.Type, name string) bool {
	ptr, ok := t.(*types.Pointer)
	if !ok {
		return false
	}
	named, ok := unalias(ptr.Elem()).(*types.Named)
	return ok && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == "testing" && named.Obj().Name() == name
}

// fuzzCall is one f.Fuzz call found in a target (or a helper it passes f to).
type fuzzCall struct {
	call *ast.CallExpr
}

func signatureOf(fset *token.FileSet, info *types.Info, files []*ast.File, decl *ast.FuncDecl, p *listedPackage) ([]string, string, error) {
	obj, _ := info.Defs[decl.Name].(*types.Func)
	if obj == nil {
		return nil, "", toolingErr("no type information for %s", decl.Name.Name)
	}
	sig := obj.Type().(*types.Signature)
	if sig.Params().Len() != 1 || !isTestingType(sig.Params().At(0).Type(), "F") || sig.Results().Len() != 0 {
		return nil, "", discoverErr("%s is not a fuzz target: its type is %s, want func(*testing.F)",
			decl.Name.Name, types.TypeString(sig, nil))
	}
	decls := map[*types.Func]*ast.FuncDecl{}
	for _, f := range files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				if fn, ok := info.Defs[fd.Name].(*types.Func); ok {
					decls[fn] = fd
				}
			}
		}
	}
	var calls []*ast.CallExpr
	seen := map[*ast.FuncDecl]bool{}
	var walk func(fd *ast.FuncDecl, depth int)
	walk = func(fd *ast.FuncDecl, depth int) {
		if seen[fd] || depth > 4 || fd.Body == nil {
			return
		}
		seen[fd] = true
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
				if s := info.Selections[sel]; s != nil && s.Obj().Name() == "Fuzz" {
					if m, ok := s.Obj().(*types.Func); ok {
						if recv := m.Type().(*types.Signature).Recv(); recv != nil && isTestingType(recv.Type(), "F") {
							calls = append(calls, call)
							return true
						}
					}
				}
			}
			// A helper of this package that receives the *testing.F may call Fuzz.
			if callee := calleeFunc(info, call.Fun); callee != nil && decls[callee] != nil {
				for _, arg := range call.Args {
					if isTestingType(info.TypeOf(arg), "F") {
						walk(decls[callee], depth+1)
						break
					}
				}
			}
			return true
		})
	}
	walk(decl, 0)
	if len(calls) == 0 {
		return nil, "", discoverErr("%s (%s) never calls f.Fuzz, directly or through a function of package %s it passes f to",
			decl.Name.Name, position(fset, decl.Pos()), p.ImportPath)
	}
	var found []string
	var where string
	for _, call := range calls {
		if len(call.Args) != 1 {
			return nil, "", discoverErr("%s: f.Fuzz takes one argument", position(fset, call.Pos()))
		}
		kinds, err := callbackKinds(fset, info, call.Args[0])
		if err != nil {
			return nil, "", err
		}
		if found == nil {
			found, where = kinds, position(fset, call.Pos())
		} else if strings.Join(found, ",") != strings.Join(kinds, ",") {
			return nil, "", discoverErr("%s calls f.Fuzz with different callbacks: (%s) at %s, (%s) at %s",
				decl.Name.Name, strings.Join(found, ","), where, strings.Join(kinds, ","), position(fset, call.Pos()))
		}
	}
	return found, where, nil
}

func calleeFunc(info *types.Info, fun ast.Expr) *types.Func {
	switch f := unparen(fun).(type) {
	case *ast.Ident:
		fn, _ := info.Uses[f].(*types.Func)
		return fn
	case *ast.SelectorExpr:
		fn, _ := info.Uses[f.Sel].(*types.Func)
		return fn
	case *ast.IndexExpr: // a generic function instantiated explicitly
		return calleeFunc(info, f.X)
	}
	return nil
}

// unparen removes parentheses (ast.Unparen exists only from Go 1.22).
func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

func position(fset *token.FileSet, pos token.Pos) string {
	p := fset.Position(pos)
	return fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)
}

// basicNames are the basic types Go's fuzzing accepts, by go/types kind; the name printed is
// the spelling the source used (byte/uint8, rune/int32 are the same type).
var basicKinds = map[types.BasicKind]bool{
	types.String: true, types.Bool: true, types.Int: true, types.Int8: true, types.Int16: true,
	types.Int32: true, types.Int64: true, types.Uint: true, types.Uint8: true, types.Uint16: true,
	types.Uint32: true, types.Uint64: true, types.Float32: true, types.Float64: true,
}

// reflectName prints a type as reflect.Type.String() would (package names, not paths), for
// messages in Go's own words.
func reflectName(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Name() })
}

func callbackKinds(fset *token.FileSet, info *types.Info, arg ast.Expr) ([]string, error) {
	at := position(fset, arg.Pos())
	t := info.TypeOf(arg)
	if t == nil {
		return nil, toolingErr("%s: no type for the f.Fuzz argument", at)
	}
	sig, ok := unalias(t).Underlying().(*types.Signature)
	if !ok {
		return nil, discoverErr("%s: cannot resolve the fuzz callback: the argument of f.Fuzz has type %s, "+
			"not a function type; give the types explicitly or take them from a corpus file of the target", at, reflectName(t))
	}
	params := sig.Params()
	if params.Len() < 2 || !isTestingType(params.At(0).Type(), "T") {
		return nil, discoverErr("%s: Go refuses this callback (%s): testing: fuzz target must receive at least two arguments, "+
			"where the first argument is a *T", at, reflectName(sig))
	}
	if sig.Results().Len() != 0 {
		return nil, discoverErr("%s: Go refuses this callback (%s): testing: fuzz target must not return a value", at, reflectName(sig))
	}
	if sig.Variadic() {
		return nil, discoverErr("%s: the callback is variadic (%s): Go cannot call it with a corpus entry's values", at, reflectName(sig))
	}
	var kinds []string
	for i := 1; i < params.Len(); i++ {
		pt := unalias(params.At(i).Type())
		name := ""
		switch t := pt.(type) {
		case *types.Basic:
			if basicKinds[t.Kind()] {
				name = t.Name()
			}
		case *types.Slice:
			if b, ok := unalias(t.Elem()).(*types.Basic); ok && b.Kind() == types.Uint8 {
				name = "[]byte"
			}
		}
		if name == "" {
			return nil, discoverErr("%s: argument %d of the callback has type %s, which Go's fuzzing refuses "+
				"(testing: unsupported type for fuzzing %s); only []byte, string, bool, byte, rune, int, int8, int16, "+
				"int32, int64, uint, uint8, uint16, uint32, uint64, float32 and float64 themselves are allowed, not named types",
				at, i, reflectName(pt), reflectName(pt))
		}
		kinds = append(kinds, name)
	}
	return kinds, nil
}
