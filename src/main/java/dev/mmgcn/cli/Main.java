package dev.mmgcn.cli;

public final class Main {
    public static void main(String[] args) {
        System.out.println("mmgcn-engine: commands are being built");
    }
}
