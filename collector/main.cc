// skald-collector entry point: placeholder until the app wiring lands.
#include <cstdio>
int main() { std::puts("skald-collector"); return 0; }
