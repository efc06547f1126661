module github.com/gofuzz-shm/gofuzz-shm/bench

go 1.24
