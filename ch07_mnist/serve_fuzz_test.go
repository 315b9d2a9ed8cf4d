package main

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"nnfromscratch/data"
	"nnfromscratch/nn"
)

// FuzzPredictRequest sends any body to the drawing page's /api/predict:
// every answer must be a 200 with a digit, or a 4xx with one line of JSON
// holding an error, and never a panic.
//
//	go test ./ch07_mnist -run '^$' -fuzz FuzzPredictRequest -fuzztime 3m
func FuzzPredictRequest(f *testing.F) {
	net, err := nn.NewMLP([]int{784, 16, 10}, "relu", rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		f.Fatal(err)
	}
	s := loadedServer(f, net, 20)
	_, test, err := data.SampleSplit()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(predictBody(f, encodePNG(f, blowUp(test.Image(0), 28, 5))))
	f.Add([]byte(`{"image": "data:image/png;base64,iVBORw0KGgo="}`))
	f.Add([]byte(`{"image": "data:image/gif;base64,R0lGODlhAQABAAAAACw="}`))
	f.Add([]byte(`{"image": ""}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[1, 2]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		code, answer, _ := ask(s, "POST", "/api/predict", "application/json", body)
		switch {
		case code == 200:
			var a predictAnswer
			if err := json.Unmarshal([]byte(answer), &a); err != nil || a.Digit < 0 || a.Digit > 9 || len(a.Pixels) != 784 {
				t.Fatalf("200 with a bad answer: %.300s", answer)
			}
		case code >= 400 && code < 500:
			var e struct{ Error string }
			if err := json.Unmarshal([]byte(answer), &e); err != nil || e.Error == "" || strings.Count(strings.TrimSpace(answer), "\n") != 0 {
				t.Fatalf("%d without a one-line JSON error: %.300s", code, answer)
			}
		default:
			t.Fatalf("status %d: %.300s", code, answer)
		}
	})
}
