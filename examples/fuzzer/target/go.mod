module gofuzzshm.example/frame

go 1.22
