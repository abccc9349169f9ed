// skald-store entry point: placeholder until the app wiring lands.
#include <cstdio>
int main() { std::puts("skald-store"); return 0; }
