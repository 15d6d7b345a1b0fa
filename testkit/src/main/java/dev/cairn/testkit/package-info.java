/**
 * Contract test kits for plugin authors: abstract JUnit 5 classes that check an implementation of a Cairn SPI
 * against the whole contract. Depend on {@code cairn-testkit} in test scope and extend one class.
 */
package dev.cairn.testkit;
