fn main() {
    std::process::exit(rmdesk::cli::main());
}
