//! Prints a few generated records, to eyeball what the generator makes.
#![forbid(unsafe_code)]
fn main() {
    let mut g = gembok_testdata::Generator::new(1);
    for _ in 0..8 {
        println!("{}", g.customer_json());
    }
    for _ in 0..6 {
        println!("{}", g.order_json("c1"));
        println!("{}", g.event_json("c1"));
    }
    for _ in 0..6 {
        println!(
            "{} | {} | {} | {}",
            g.phone(),
            g.npwp(),
            g.nik(),
            g.password()
        );
    }
}
