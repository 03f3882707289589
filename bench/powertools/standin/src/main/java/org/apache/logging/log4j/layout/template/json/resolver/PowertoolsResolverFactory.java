package org.apache.logging.log4j.layout.template.json.resolver;

import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;

/**
 * STAND-IN for powertools-logging-log4j 2.10.0's resolver plugin (see software.amazon.lambda.powertools.logging.
 * PowertoolsLogging): the {@code "$resolver": "powertools"} of a JsonTemplateLayout template. In log4j's package, as
 * the real one, because the resolver API's configuration type is only constructible there.
 */
@Plugin(name = "PowertoolsResolverFactory", category = TemplateResolverFactory.CATEGORY)
public final class PowertoolsResolverFactory implements EventResolverFactory {
    private static final PowertoolsResolverFactory INSTANCE = new PowertoolsResolverFactory();

    private PowertoolsResolverFactory() {
    }

    @PluginFactory
    public static PowertoolsResolverFactory getInstance() {
        return INSTANCE;
    }

    @Override
    public String getName() {
        return "powertools";
    }

    @Override
    public TemplateResolver<LogEvent> create(EventResolverContext context, TemplateResolverConfig config) {
        return new PowertoolsResolver(config.getString("field"));
    }
}
