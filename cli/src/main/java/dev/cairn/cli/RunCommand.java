package dev.cairn.cli;

import java.io.File;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunOptions;
import dev.cairn.api.run.RunStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

@Command(name = "run", description = "Run a pipeline defined in a class: a Supplier<Pipeline>, a class with one public static no-argument method returning a Pipeline, or Class#method.")
final class RunCommand implements Callable<Integer> {
    @Mixin(name = "home")
    HomeOption home;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<pipeline class>", description = "e.g. dev.cairn.examples.ExamplePipelines#training")
    String target;

    @Option(names = {"--classpath", "-cp"}, description = "Extra jars or class directories holding the pipeline (path-separated)")
    String classpath;

    @Option(names = "--no-cache", description = "Run every step: no step reuses cached outputs, whatever the pipeline's or steps' cache settings")
    boolean noCache;

    @Override
    public Integer call() throws Exception {
        ClassLoader loader = loader();
        Thread.currentThread().setContextClassLoader(loader);
        Pipeline pipeline = resolve(target, loader);
        if (noCache) {
            pipeline = pipeline.withCacheDisabled();
        }
        try (Cairn cairn = home.open()) {
            PipelineRun run = cairn.run(pipeline, RunOptions.withListener(new ProgressPrinter(spec.commandLine().getOut())));
            return run.status() == RunStatus.COMPLETED ? 0 : 1;
        }
    }

    private ClassLoader loader() throws MalformedURLException {
        ClassLoader base = RunCommand.class.getClassLoader();
        if (classpath == null || classpath.isBlank()) {
            return base;
        }
        List<URL> urls = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            urls.add(new File(entry).toURI().toURL());
        }
        return new URLClassLoader(urls.toArray(URL[]::new), base);
    }

    static Pipeline resolve(String target, ClassLoader loader) throws ReflectiveOperationException {
        String className = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
        String methodName = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
        Class<?> type;
        try {
            type = Class.forName(className, true, loader);
        } catch (ClassNotFoundException e) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Class " + className + " is not on the class path: add its jar with --classpath");
        }
        if (methodName == null && Supplier.class.isAssignableFrom(type)) {
            Object pipeline = ((Supplier<?>) type.getDeclaredConstructor().newInstance()).get();
            if (pipeline instanceof Pipeline p) {
                return p;
            }
        }
        List<Method> candidates = new ArrayList<>();
        for (Method method : type.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) && method.getParameterCount() == 0 && Pipeline.class.isAssignableFrom(method.getReturnType())
                    && (methodName == null || method.getName().equals(methodName))) {
                candidates.add(method);
            }
        }
        if (candidates.size() != 1) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, className + (methodName == null ? "" : "#" + methodName) + " has "
                    + candidates.size() + " public static no-argument methods returning a Pipeline " + candidates.stream().map(Method::getName).toList()
                    + ": name one as " + className + "#<method>, or implement Supplier<Pipeline>");
        }
        return (Pipeline) candidates.get(0).invoke(null);
    }
}
