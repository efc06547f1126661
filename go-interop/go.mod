module github.com/gofuzz-shm/gofuzz-shm/go-interop

go 1.24
