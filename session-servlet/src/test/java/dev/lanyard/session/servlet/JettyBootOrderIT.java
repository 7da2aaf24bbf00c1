package dev.lanyard.session.servlet;

import dev.lanyard.session.servlet.SessionFilterContract.Deployment;
import dev.lanyard.session.servlet.SessionFilterContract.Running;

/** {@link BootOrderContract} on Jetty 12 (ee10). */
class JettyBootOrderIT extends BootOrderContract {

    @Override
    protected Running start(Deployment deployment) throws Exception {
        return new JettyIT().start(deployment);
    }
}
