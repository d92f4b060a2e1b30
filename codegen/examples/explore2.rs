fn fmt(src: &str) -> String {
    prettyplease::unparse(&syn::parse_file(src).unwrap())
}
fn main() {
    // signature: one arg of varying length
    let mut prev = 0;
    for n in 1..80 {
        let f = "f".repeat(n);
        let src = format!(
            "impl T {{ pub fn new({f}: impl Into<String>) -> Self {{ Self {{ a: None, bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb: None }} }} }}"
        );
        let out = fmt(&src);
        let line = format!("    pub fn new({f}: impl Into<String>) -> Self {{");
        let lines = out.lines().count();
        if lines != prev {
            println!("sig n={n} linelen={} lines={lines}", line.len());
            prev = lines;
        }
    }
    // struct literal: one field
    let mut prev = 0;
    for n in 1..40 {
        let f = "f".repeat(n);
        let src = format!("impl T {{ pub fn new() -> Self {{ Self {{ {f}: Into::into({f}) }} }} }}");
        let out = fmt(&src);
        let lines = out.lines().count();
        let content = format!("Self {{ {f}: Into::into({f}) }}");
        if lines != prev {
            println!("lit1 n={n} content={} lines={lines}", content.len());
            prev = lines;
        }
    }
    let mut prev = 0;
    for n in 1..40 {
        let f = "f".repeat(n);
        let src = format!("impl T {{ pub fn new() -> Self {{ Self {{ a: None, {f}: None }} }} }}");
        let out = fmt(&src);
        let lines = out.lines().count();
        let content = format!("Self {{ a: None, {f}: None }}");
        if lines != prev {
            println!("lit2 n={n} content={} lines={lines}\n{out}", content.len());
            prev = lines;
        }
    }
}
