package dev.cairn.api.pipeline;

/** Forwards step calls, with fixed options, to the definition being built. */
final class StepCaller implements StepCalls {
    private final DefinitionBuilder definition;
    private final StepOptions options;

    StepCaller(DefinitionBuilder definition, StepOptions options) {
        this.definition = definition;
        this.options = options;
    }

    private <R> Outputs<R> add(java.io.Serializable step, StepOptions options, Input<?>[] arguments) {
        return definition.addCall(step, options, arguments);
    }

    @Override
    public <R> Outputs<R> call(StepMethod0<R> step) {
        return add(step, options, new Input<?>[] {});
    }

    @Override
    public <A, R> Outputs<R> call(StepMethod1<A, R> step, Input<? extends A> a) {
        return add(step, options, new Input<?>[] {a});
    }

    @Override
    public <A, B, R> Outputs<R> call(StepMethod2<A, B, R> step, Input<? extends A> a, Input<? extends B> b) {
        return add(step, options, new Input<?>[] {a, b});
    }

    @Override
    public <A, B, C, R> Outputs<R> call(StepMethod3<A, B, C, R> step, Input<? extends A> a, Input<? extends B> b, Input<? extends C> c) {
        return add(step, options, new Input<?>[] {a, b, c});
    }

    @Override
    public <A, B, C, D, R> Outputs<R> call(StepMethod4<A, B, C, D, R> step, Input<? extends A> a, Input<? extends B> b, Input<? extends C> c, Input<? extends D> d) {
        return add(step, options, new Input<?>[] {a, b, c, d});
    }

    @Override
    public <A, B, C, D, E, R> Outputs<R> call(StepMethod5<A, B, C, D, E, R> step, Input<? extends A> a, Input<? extends B> b, Input<? extends C> c, Input<? extends D> d, Input<? extends E> e) {
        return add(step, options, new Input<?>[] {a, b, c, d, e});
    }

    @Override
    public <A, B, C, D, E, F, R> Outputs<R> call(StepMethod6<A, B, C, D, E, F, R> step, Input<? extends A> a, Input<? extends B> b, Input<? extends C> c, Input<? extends D> d, Input<? extends E> e, Input<? extends F> f) {
        return add(step, options, new Input<?>[] {a, b, c, d, e, f});
    }

    @Override
    public <A, B, C, D, E, F, G, R> Outputs<R> call(StepMethod7<A, B, C, D, E, F, G, R> step, Input<? extends A> a, Input<? extends B> b, Input<? extends C> c, Input<? extends D> d, Input<? extends E> e, Input<? extends F> f, Input<? extends G> g) {
        return add(step, options, new Input<?>[] {a, b, c, d, e, f, g});
    }

    @Override
    public <A, B, C, D, E, F, G, H, R> Outputs<R> call(StepMethod8<A, B, C, D, E, F, G, H, R> step, Input<? extends A> a, Input<? extends B> b, Input<? extends C> c, Input<? extends D> d, Input<? extends E> e, Input<? extends F> f, Input<? extends G> g, Input<? extends H> h) {
        return add(step, options, new Input<?>[] {a, b, c, d, e, f, g, h});
    }
}
