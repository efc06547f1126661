module gofuzzshm.example/gocmp

go 1.18
