//go:build !(amd64 || arm64 || ppc64 || ppc64le || s390x || riscv64 || loong64 || mips64 || mips64le || 386 || arm || mips || mipsle)

package layout

// This GOARCH is not in the offset table: measure Go's layout there (unsafe.Offsetof on
// internal/fuzz's sharedMemHeader), add it to table32.go or table64.go, and only then build.
const wantCount = layoutUnknownForThisGOARCH
