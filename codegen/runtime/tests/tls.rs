//! The client builds with whichever TLS backend feature is on. With `rustls-ring` alone,
//! reqwest has no built-in crypto provider and needs the process default that building a
//! client installs: `cargo xtask test` runs this test that way too
//! (`--no-default-features --features rustls-ring`).

use sdk_runtime::ClientBuilder;

#[test]
fn a_client_builds_for_an_https_url() {
    let client = ClientBuilder::new("https://api.example.com/v1").build();
    assert!(client.is_ok(), "{:?}", client.err());
    // A second client finds the provider already installed.
    assert!(ClientBuilder::new("https://api.example.com/v1").build().is_ok());
}
