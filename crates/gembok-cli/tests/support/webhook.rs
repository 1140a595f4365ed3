//! A webhook receiver for tests: one HTTP request read from a loopback listener.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

/// Accept one HTTP request on `listener`, answer 200 and return its body.
pub fn serve_one(listener: TcpListener) -> String {
    serve_one_with_headers(listener).1
}

/// [`serve_one`], also returning the request's headers (names lowercased).
pub fn serve_one_with_headers(listener: TcpListener) -> (Vec<(String, String)>, String) {
    let (stream, _) = listener.accept().unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let mut stream = stream;
    stream
        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        .unwrap();
    (headers, String::from_utf8(body).unwrap())
}
